import os

import requests
from fastapi import FastAPI

app = FastAPI()

API_URL = os.environ["API_URL"]


@app.get("/health")
def health():
    # The app's own services and hosts only known at run time.
    requests.get("http://localhost:8000/ping")
    requests.get("http://search:9200/_cluster/health")
    return requests.get(f"{API_URL}/health").json()
