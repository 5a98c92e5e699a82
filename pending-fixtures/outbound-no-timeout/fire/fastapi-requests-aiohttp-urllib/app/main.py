import urllib.request

import aiohttp
import requests
from fastapi import FastAPI

from .services import fetch_rates

app = FastAPI()

OPENAI_URL = "https://api.openai.com/v1/chat/completions"


@app.post("/summaries")
def summarize(text: str):
    response = requests.post(OPENAI_URL, json={"input": text})  # expect: outbound-no-timeout
    return response.json()


@app.get("/repos/{owner}")
def repos(owner: str):
    session = requests.Session()
    # A session's `timeout` attribute is not honoured by requests.
    session.timeout = 10
    return session.get(f"https://api.github.com/users/{owner}/repos").json()  # expect: outbound-no-timeout


@app.get("/weather")
async def weather():
    async with aiohttp.ClientSession() as session:
        async with session.get("https://api.weatherapi.com/v1/current.json") as response:  # expect: outbound-no-timeout
            return await response.json()


@app.get("/feed")
def feed():
    with urllib.request.urlopen("https://hnrss.org/frontpage") as response:  # expect: outbound-no-timeout
        return response.read()


@app.get("/rates")
def rates():
    return fetch_rates()
