from folio.handlers import lambda_handler
from folio.notifications import ingest_on_s3_notification

from .app import create_app

handler = lambda_handler(create_app(), on_event=ingest_on_s3_notification)
