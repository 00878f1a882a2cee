from scoring.app import create_app
from shared.runner import run_service

run_service("scoring", create_app)
