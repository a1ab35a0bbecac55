"""A throwaway certificate authority for federation tests, made with the openssl CLI.

Every file lives in one temporary directory. The CA signs server certificates whose subject
alternative names are the DNS names given; the broken kinds federation must refuse are made too:
self-signed, expired (validity dates set with `openssl ca -startdate/-enddate`, since
`openssl x509 -days` cannot go into the past) and certificates naming the wrong host (an
ordinary CA-signed certificate for other names). EC P-256 keys: quick to make.
"""
import os
import subprocess
import tempfile

_CA_CONFIG = """\
[ca]
default_ca = test_ca

[test_ca]
dir = {dir}
database = {dir}/index.txt
serial = {dir}/serial
new_certs_dir = {dir}/issued
certificate = {dir}/ca.pem
private_key = {dir}/ca.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none

[anything]
commonName = supplied
"""


def _run(*args, cwd=None):
    result = subprocess.run(list(args), capture_output=True, cwd=cwd, timeout=60)
    if result.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (
            " ".join(args[:3]), result.returncode, result.stderr.decode(errors="replace")))
    return result.stdout


def _new_key(path):
    _run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-out", path)


def _san_extension(names):
    alt = ",".join(("IP:" + n) if n.replace(".", "").isdigit() else ("DNS:" + n) for n in names)
    return ("basicConstraints = CA:FALSE\n"
            "keyUsage = digitalSignature, keyEncipherment\n"
            "extendedKeyUsage = serverAuth\n"
            "subjectAltName = %s\n" % alt)


class TestCA:
    """A CA under `directory` (a fresh temporary one unless given); ca_path is its PEM."""

    def __init__(self, directory=None, name="myelin federation test CA"):
        self.directory = directory or tempfile.mkdtemp(prefix="myelin-ca-")
        os.makedirs(os.path.join(self.directory, "issued"), exist_ok=True)
        self.ca_key = os.path.join(self.directory, "ca.key")
        self.ca_path = os.path.join(self.directory, "ca.pem")
        self.config_path = os.path.join(self.directory, "ca.cnf")
        with open(self.config_path, "w") as f:
            f.write(_CA_CONFIG.format(dir=self.directory))
        open(os.path.join(self.directory, "index.txt"), "w").close()
        with open(os.path.join(self.directory, "serial"), "w") as f:
            f.write("1000\n")
        _new_key(self.ca_key)
        _run("openssl", "req", "-x509", "-new", "-key", self.ca_key, "-sha256", "-days", "2",
             "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", self.ca_path)

    def _paths(self, label):
        return (os.path.join(self.directory, label + ".pem"),
                os.path.join(self.directory, label + ".key"))

    def issue(self, label, names, startdate=None, enddate=None):
        """A CA-signed certificate for `names` (the first is the CN). Returns (cert, key) paths.

        startdate/enddate: YYYYMMDDHHMMSSZ; default valid from an hour ago for two days.
        """
        cert, key = self._paths(label)
        _new_key(key)
        csr = os.path.join(self.directory, label + ".csr")
        _run("openssl", "req", "-new", "-key", key, "-subj", "/CN=" + names[0], "-out", csr)
        ext = os.path.join(self.directory, label + ".ext")
        with open(ext, "w") as f:
            f.write(_san_extension(names))
        args = ["openssl", "ca", "-batch", "-config", self.config_path, "-in", csr, "-out", cert,
                "-extfile", ext, "-notext"]
        if startdate:
            args += ["-startdate", startdate]
        if enddate:
            args += ["-enddate", enddate]
        else:
            args += ["-days", "2"]
        _run(*args)
        return cert, key

    def issue_expired(self, label, names):
        """Signed by the CA, valid names, but its validity ended in 2020."""
        return self.issue(label, names, startdate="20190101000000Z", enddate="20200101000000Z")

    def self_signed(self, label, names):
        """Right names, no CA: nobody can verify it."""
        cert, key = self._paths(label)
        _new_key(key)
        ext = os.path.join(self.directory, label + ".ext")
        with open(ext, "w") as f:
            f.write(_san_extension(names))
        _run("openssl", "req", "-x509", "-new", "-key", key, "-sha256", "-days", "2",
             "-subj", "/CN=" + names[0], "-addext",
             "subjectAltName=" + ",".join("DNS:" + n for n in names), "-out", cert)
        return cert, key
