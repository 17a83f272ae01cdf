"""A model hub on 127.0.0.1 for tests: the few endpoints huggingface_hub uses to list and fetch a repository.

Serves repositories given as {path: bytes}: `GET /api/models/{id}[/revision/{rev}]` (model info with
file sizes, licence and gating), `GET /api/models/{id}/tree/{rev}` (the recursive listing
snapshot_download reads) and `HEAD`/`GET /{id}/resolve/{rev}/{path}` (with ETag, X-Repo-Commit and
Range requests; a file can be made to break off once, to test resuming). Every request is logged.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


@dataclass
class FakeRepo:
    files: dict[str, bytes]
    licence: str = "apache-2.0"
    gated: bool | str = False
    commit: str = ""
    # paths whose first download breaks off half-way (the connection drops), to test resuming
    drop_once: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if not self.commit:
            digest = hashlib.sha1(b"".join(k.encode() + v for k, v in sorted(self.files.items())))
            self.commit = digest.hexdigest()

    def etag(self, path: str) -> str:
        return hashlib.sha256(self.files[path]).hexdigest()


@dataclass
class Request:
    method: str
    path: str
    range: str | None


@dataclass
class FakeHub:
    repos: dict[str, FakeRepo]
    requests: list[Request] = field(default_factory=list)

    def fetched(self, repo_id: str) -> set[str]:
        """The files of `repo_id` whose bytes were sent (GET on resolve)."""
        prefix = f"/{repo_id}/resolve/"
        return {r.path.split("/", 5)[5] for r in self.requests if r.method == "GET" and r.path.startswith(prefix)}


_INFO = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)(?:/revision/(?P<rev>[^/]+))?$")
_TREE = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)/tree/(?P<rev>[^/]+)(?:/(?P<sub>.*))?$")
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<path>.+)$")


def _handler(hub: FakeHub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _path(self) -> str:
            return unquote(urlsplit(self.path).path)

        def do_HEAD(self) -> None:  # noqa: N802
            self._serve(body=False)

        def do_GET(self) -> None:  # noqa: N802
            self._serve(body=True)

        def _serve(self, *, body: bool) -> None:
            path = self._path()
            hub.requests.append(Request(self.command, path, self.headers.get("Range")))
            if match := _TREE.match(path):
                return self._tree(match)
            if match := _INFO.match(path):
                return self._info(match)
            if match := _RESOLVE.match(path):
                return self._file(match, body)
            self._json({"error": "not found"}, 404)

        def _repo(self, repo_id: str) -> FakeRepo | None:
            repo = hub.repos.get(repo_id)
            if repo is None:
                self.send_response(404)
                self.send_header("X-Error-Code", "RepoNotFound")
                self.send_header("Content-Length", "0")
                self.end_headers()
            return repo

        def _info(self, match) -> None:
            repo = self._repo(match["repo"])
            if repo is None:
                return
            siblings = [{"rfilename": p, "size": len(b), "blobId": repo.etag(p)} for p, b in sorted(repo.files.items())]
            self._json({"id": match["repo"], "modelId": match["repo"], "sha": repo.commit, "private": False,
                        "gated": repo.gated, "disabled": False, "tags": [f"license:{repo.licence}"],
                        "cardData": {"license": repo.licence}, "siblings": siblings})

        def _tree(self, match) -> None:
            repo = self._repo(match["repo"])
            if repo is None:
                return
            entries = [{"type": "file", "path": p, "size": len(b), "oid": repo.etag(p)}
                       for p, b in sorted(repo.files.items())]
            self._json(entries)

        def _file(self, match, body: bool) -> None:
            repo = self._repo(match["repo"])
            if repo is None:
                return
            data = repo.files.get(match["path"])
            if data is None:
                self.send_response(404)
                self.send_header("X-Error-Code", "EntryNotFound")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            start = 0
            wanted = self.headers.get("Range")
            if wanted and (found := re.match(r"bytes=(\d+)-", wanted)):
                start = int(found[1])
            if body and not start and match["path"] in repo.drop_once:
                repo.drop_once.discard(match["path"])
                self.send_response(200)
                self.send_header("X-Repo-Commit", repo.commit)
                self.send_header("ETag", f'"{repo.etag(match["path"])}"')
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            part = data[start:]
            self.send_response(206 if start else 200)
            self.send_header("X-Repo-Commit", repo.commit)
            self.send_header("ETag", f'"{repo.etag(match["path"])}"')
            self.send_header("Content-Length", str(len(part) if body or start else len(data)))
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.end_headers()
            if body:
                self.wfile.write(part)

        def _json(self, payload, status: int = 200) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

    return Handler


class HubServer:
    """`with HubServer(repos) as hub:` serves on 127.0.0.1; `hub.url`, `hub.state.requests`."""

    def __init__(self, repos: dict[str, FakeRepo]):
        self.state = FakeHub(repos)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> HubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
