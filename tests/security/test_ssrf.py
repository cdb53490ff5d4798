"""Fetching by URL only what should be fetched (issue 15): the import page's URL is downloaded by the server, so
it must not reach loopback or private addresses (directly, by a redirect or by a name that resolves there), nor
fill the disk, nor tell the network's layout through its error messages."""

import http.server
import ipaddress
import socket
import threading

import pytest

from pilote.core.enums import Role
from pilote.decp.errors import ImportFailed
from pilote.decp.models import ImportRun
from pilote.decp.readers import sources
from pilote.decp.readers.sources import UrlPolicy


PUBLIC_IP = "93.184.216.34"  # a global address standing for « a public server » (the test reroutes it locally)
SECRET = b'{"marches": [], "secret": "interne"}'


class Handler(http.server.BaseHTTPRequestHandler):
    paths = []

    def do_GET(self):
        Handler.paths.append(self.path)
        if self.path.startswith("/redirige"):
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1/secret.json")  # port 80: the address check refuses
            self.end_headers()
        elif self.path.startswith("/gros-sans-longueur"):
            self.send_response(200)
            self.end_headers()  # no Content-Length: the body ends when the connection closes
            for _ in range(64):
                self.wfile.write(b"x" * 1024)
        elif self.path.startswith("/gros"):
            self.send_response(200)
            self.send_header("Content-Length", str(64 * 1024))
            self.end_headers()
            self.wfile.write(b"x" * 64 * 1024)
        else:
            self.send_response(200)
            self.send_header("Content-Length", str(len(SECRET)))
            self.end_headers()
            self.wfile.write(SECRET)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Handler.paths = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.protocol_version = "HTTP/1.0"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def public_name(monkeypatch, server):
    """« depot.exemple.fr » resolves to a public address; connections to that address reach the local server."""
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.create_connection

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "depot.exemple.fr":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_IP, port))]
        if host == "double.exemple.fr":  # one public and one private address (rebinding-style answer)
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_IP, port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
            ]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        if address[0] == PUBLIC_IP:
            address = ("127.0.0.1", server)
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return "depot.exemple.fr"


HTTP_ONLY = UrlPolicy(allow_http=True)  # http allowed (no TLS in tests), every other guard on


def test_loopback_server_is_refused_and_never_contacted(server, tmp_path):
    for url, policy in [
        (f"http://127.0.0.1:{server}/secret.json", UrlPolicy()),  # default: https only
        (f"https://127.0.0.1:{server}/secret.json", UrlPolicy()),  # port other than 80/443
        ("http://127.0.0.1/secret.json", HTTP_ONLY),  # loopback
        ("http://localhost/secret.json", HTTP_ONLY),
        ("http://[::1]/secret.json", HTTP_ONLY),
        ("http://169.254.169.254/latest/meta-data/", HTTP_ONLY),  # cloud metadata (link-local)
        ("http://10.1.2.3/decp.json", HTTP_ONLY),
    ]:
        with pytest.raises(ImportFailed) as info:
            sources.download(url, tmp_path / "cache", policy=policy)
        message = info.value.french()
        assert any(reason in message for reason in ("https", "port", "non publique")), url
    assert Handler.paths == []
    assert not any((tmp_path / "cache").iterdir())


def test_redirect_to_loopback_is_refused(public_name, tmp_path):
    with pytest.raises(ImportFailed) as info:
        sources.download(f"http://{public_name}/redirige", tmp_path / "cache", policy=HTTP_ONLY)
    assert "non publique" in info.value.french()
    assert Handler.paths == ["/redirige"]  # the first hop was fetched, the loopback target never
    assert not any((tmp_path / "cache").iterdir())


def test_name_resolving_to_a_private_address_is_refused(public_name, tmp_path):
    with pytest.raises(ImportFailed, match="non publique"):
        sources.download("http://double.exemple.fr/secret.json", tmp_path / "cache", policy=HTTP_ONLY)
    assert Handler.paths == []


def test_public_name_is_fetched_from_the_checked_address(public_name, tmp_path):
    path = sources.download(f"http://{public_name}/secret.json", tmp_path / "cache", policy=HTTP_ONLY)
    assert path.read_bytes() == SECRET


@pytest.mark.parametrize("route", ["/gros", "/gros-sans-longueur"])
def test_oversized_body_is_refused_and_nothing_kept(public_name, tmp_path, route):
    policy = UrlPolicy(allow_http=True, max_bytes=16 * 1024)
    with pytest.raises(ImportFailed, match="taille maximale"):
        sources.download(f"http://{public_name}{route}", tmp_path / "cache", policy=policy)
    assert list((tmp_path / "cache").iterdir()) == []


def test_allow_list_of_hosts(tmp_path):
    policy = UrlPolicy(hosts=("www.data.gouv.fr",))
    with pytest.raises(ImportFailed, match="liste des serveurs autorisés"):
        sources.download("https://ailleurs.example/decp.json", tmp_path, policy=policy)


def test_network_errors_are_french_and_say_nothing_of_the_network(server, tmp_path):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more
    policy = UrlPolicy(allow_http=True, allow_private=True)
    with pytest.raises(ImportFailed) as info:
        sources.download(f"http://127.0.0.1:{port}/x.json", tmp_path, policy=policy)
    message = info.value.french()
    assert "adresse injoignable" in message
    assert "Errno" not in message
    assert "refused" not in message.lower()


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
                "224.0.0.1", "240.0.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "ff02::1"],
)  # fmt: skip
def test_non_public_addresses(address):
    assert not sources.is_public(ipaddress.ip_address(address))


def test_public_addresses():
    assert sources.is_public(ipaddress.ip_address(PUBLIC_IP))
    assert sources.is_public(ipaddress.ip_address("2001:4860:4860::8888"))


@pytest.mark.django_db
def test_import_page_refuses_loopback_and_private_urls(client, org_a, members_a, settings,
                                                       django_capture_on_commit_callbacks):  # fmt: skip
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(members_a[Role.APPUI])
    response = client.post(f"/o/{org_a.slug}/donnees/", {"url": "http://127.0.0.1:8000/admin/"})
    assert response.status_code == 200
    assert "seules les adresses https sont acceptées" in response.content.decode()
    assert not ImportRun.objects.exists()
    # an https address on a private network passes the form (no resolution there) and fails the run, in French
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/{org_a.slug}/donnees/", {"url": "https://10.20.30.40/decp.json"})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "non publique" in run.message
