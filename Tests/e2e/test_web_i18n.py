"""The web client's translation files: complete, consistent, and covering every API error code."""
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
PUBLIC = ROOT / "Public"
LANGS = ("fi", "sv", "en")


def load():
    return {lang: json.loads((PUBLIC / "i18n" / f"{lang}.json").read_text(encoding="utf-8")) for lang in LANGS}


def test_same_keys_and_placeholders_in_every_language():
    texts = load()
    keys = set(texts["fi"])
    for lang in LANGS:
        assert set(texts[lang]) == keys, f"{lang}: missing {keys - set(texts[lang])}, extra {set(texts[lang]) - keys}"
        for key, value in texts[lang].items():
            assert isinstance(value, str) and value.strip(), f"{lang} {key} is empty"
            assert set(re.findall(r"\{(\w+)\}", value)) == set(re.findall(r"\{(\w+)\}", texts["fi"][key])), f"{lang} {key}"


def test_every_error_and_field_code_of_the_api_contract_is_translated():
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    errors = api.split("## Errors", 1)[1].split("## Sessions", 1)[0]
    codes = set(re.findall(r"^\| `([\w.]+)` \|", errors, flags=re.M))
    codes |= set(re.findall(r"`(\w+\.notFound)`", errors))
    fields = set(re.findall(r"`(field\.\w+)`", errors))
    roles = set(re.findall(r'"(\w+)"', re.search(r"^Role\s+(.*)$", api, flags=re.M).group(1)))
    assert len(codes) >= 15 and len(fields) >= 8 and len(roles) == 5
    texts = load()
    for lang in LANGS:
        assert not [c for c in codes if f"error.{c}" not in texts[lang]], lang
        assert not [f for f in fields if f not in texts[lang]], lang
        assert not [r for r in roles if f"role.{r}" not in texts[lang]], lang


def test_every_text_key_used_in_the_code_exists():
    fi = load()["fi"]
    used = set()
    for path in (PUBLIC / "js").rglob("*.js"):
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\(\s*'([\w.]+)'", source))
        used |= set(re.findall(r"setFlash\(\s*'\w+',\s*'([\w.]+)'", source))
        # plural('catalogue.results', n) needs at least the 'other' form
        used |= {f"{key}.other" for key in re.findall(r"\bplural\(\s*'([\w.]+)'", source)}
    missing = sorted(k for k in used if k not in fi)
    assert not missing, missing


def test_counts_have_the_plural_forms_of_every_language():
    """A count text ('….one' / '….other') has both forms, and each says {count} (no "1 suggestions")."""
    for lang, texts in load().items():
        for key in [k for k in texts if k.endswith(".other")]:
            stem = key[: -len(".other")]
            assert f"{stem}.one" in texts, f"{lang}: {stem}.one is missing"
            assert "{count}" in texts[f"{stem}.one"] and "{count}" in texts[key], f"{lang}: {stem}"


def test_the_service_worker_version_is_the_servers_placeholder():
    """The cache version is not bumped by hand: the server puts a hash of the shell in its place."""
    sw = (PUBLIC / "sw.js").read_text(encoding="utf-8")
    assert "const VERSION = '__SHELL_VERSION__';" in sw.splitlines()
    assert "`ohjaustila-shell-${VERSION}`" in sw


def test_the_service_worker_caches_every_shell_file():
    sw = (PUBLIC / "sw.js").read_text(encoding="utf-8")
    listed = set(re.findall(r"'(/[\w./-]+)'", sw.split("const SHELL = [", 1)[1].split("];", 1)[0]))
    wanted = {"/index.html", "/manifest.webmanifest", "/favicon.ico"}
    for folder in ("css", "js", "i18n", "icons"):
        wanted |= {"/" + p.relative_to(PUBLIC).as_posix() for p in (PUBLIC / folder).rglob("*") if p.is_file()}
    assert wanted == listed, f"not cached: {wanted - listed}; cached but missing: {listed - wanted}"
