from exam_delivery.app import create_app
from shared.runner import run_service

run_service("exam-delivery", create_app)
