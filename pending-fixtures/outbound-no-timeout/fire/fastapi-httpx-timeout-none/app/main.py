import httpx
from fastapi import FastAPI

app = FastAPI()


@app.post("/translate")
async def translate(text: str):
    async with httpx.AsyncClient(timeout=None) as client:
        response = await client.post("https://api.deepl.com/v2/translate", data={"text": text})  # expect: outbound-no-timeout
    return response.json()


@app.post("/moderate")
def moderate(text: str):
    return httpx.post("https://api.openai.com/v1/moderations", json={"input": text}, timeout=None).json()  # expect: outbound-no-timeout
