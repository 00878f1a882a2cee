from item_bank.app import create_app
from shared.runner import run_service

run_service("item-bank", create_app)
