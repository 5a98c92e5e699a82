import aiohttp
import httpx
import requests
from fastapi import FastAPI
from requests.adapters import HTTPAdapter

app = FastAPI()


class TimeoutAdapter(HTTPAdapter):
    def send(self, request, **kwargs):
        kwargs.setdefault("timeout", 10)
        return super().send(request, **kwargs)


session = requests.Session()
session.mount("https://", TimeoutAdapter())


@app.post("/summaries")
def summarize(text: str):
    return requests.post("https://api.openai.com/v1/chat/completions", json={"input": text}, timeout=30).json()


@app.get("/repos/{owner}")
def repos(owner: str):
    # The mounted adapter sets the timeout.
    return session.get(f"https://api.github.com/users/{owner}/repos").json()


@app.get("/weather")
async def weather():
    # httpx waits 5 s by default.
    async with httpx.AsyncClient() as client:
        response = await client.get("https://api.weatherapi.com/v1/current.json")
    return response.json()


@app.get("/quote")
def quote():
    return httpx.get("https://api.quotable.io/random").json()


@app.get("/feed")
async def feed():
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as client:
        async with client.get("https://hnrss.org/frontpage") as response:
            return await response.text()


def call(url, **kwargs):
    # Options passed through may carry a timeout.
    return requests.get(url, **kwargs)


@app.get("/status")
def status():
    return call("https://status.stripe.com/api/v2/status.json", timeout=5).json()
