from folio.handlers import lambda_handler

from .app import create_app

handler = lambda_handler(create_app())
