import requests


def fetch_rates():
    return requests.get("https://api.exchangerate.host/latest").json()  # expect: outbound-no-timeout
