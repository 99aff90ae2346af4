"""/data/ describes itself to search engines as a schema.org Dataset."""

import json
import re
from urllib.parse import urlsplit

from django.core.management import call_command


def site_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_data_page_carries_a_dataset_with_every_download(client, seeded, settings, tmp_path):
    settings.DATA_PACKAGE_DIR = tmp_path / "data"
    call_command("build_datapackage", verbosity=0)
    content = client.get("/data/").content.decode()
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    datasets = [d for d in map(json.loads, scripts) if d.get("@type") == "Dataset"]
    assert len(datasets) == 1
    dataset = datasets[0]
    assert dataset["@context"] == "https://schema.org"
    for key in ("name", "description", "license", "distribution", "dateModified"):
        assert dataset[key], key
    assert dataset["license"].startswith("https://")
    package = json.loads(b"".join(client.get("/data/datapackage.json").streaming_content))
    assert dataset["dateModified"] == package["created"]
    downloads = {site_path(d["contentUrl"]): d for d in dataset["distribution"]}
    assert all(d["@type"] == "DataDownload" for d in downloads.values())
    assert all(d["contentUrl"].startswith("http://testserver/") for d in downloads.values())
    assert downloads["/data/trials.csv"]["encodingFormat"] == "text/csv"
    assert downloads["/data/datapackage.json"]["encodingFormat"] == "application/json"
    assert downloads["/trials/?format=csv"]["encodingFormat"] == "text/csv"
    # Every download it names is really served.
    for path in downloads:
        assert client.get(path).status_code == 200, path
