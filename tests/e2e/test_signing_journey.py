"""Steps 6 and 7 in a phone-sized chromium with real WebCrypto and IndexedDB against the demo
server: the password rules refuse a weak password and a mismatch; the certificate is installed
(key made and wrapped in the browser, certificate from the company CA); at the signing step a
wrong password is refused by the browser before anything reaches the server; the right one signs
every document; "下一步" moves on. The signed PDFs are then checked on the server's side: both
signatures of each (the investor's and the company seal) intact, valid and trusted.

The steps before the certificate belong to other features: a client of its own is created on the
server with its business already past the video witness, and logs in through the real login
page (captcha, SMS code)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from playwright.sync_api import expect

from tests.e2e.conftest import ROOT
from tests.e2e.test_investor_login import ask_for_code, open_login, sms_code_for

ID_NUMBER = "110101199203150016"  # a valid GB 11643 checksum, not a demo client
MOBILE = "13800138099"
NAME = "钱签署"
WEAK, OTHER, GOOD, WRONG = "12345678", "Qihuo2468zy", "Qihuo2468zz", "Qihuo2468zx"
RULE_LETTERS_AND_DIGITS = "证书密码须同时包含字母和数字"
RULE_NO_RUNS = "证书密码不能包含 6 位及以上重复或连续的字符（如 111111、123456、abcdef）"
NO_KEY_HERE = "本设备未找到数字证书，请重新安装（需重新进行视频见证）"
REINSTALL_WARNING = "重新安装将吊销当前数字证书，并需要重新进行视频见证。确定重新安装吗？"
RULE_LENGTH = "证书密码须为 8–32 位"
RULES = [  # (password, the messages it gets), each refused in the browser
    ("", ["请设置证书密码"]),
    ("abc123", [RULE_LENGTH]),
    ("a1" * 17, [RULE_LENGTH]),
    ("abcdefgh", [RULE_LETTERS_AND_DIGITS, RULE_NO_RUNS]),
    ("Qa111111b", [RULE_NO_RUNS]),
    ("xy987654", [RULE_NO_RUNS]),
]
SIGNING_TIMEOUT_MS = 45_000
ISSUE = "**/certificate/action/issue/"
REFUSED = "无法证明持有私钥，证书未签发，请重新安装。"
SIGNED = re.compile(r"^已签署 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")

PREPARE = """
import datetime
from django.utils import timezone
from clients.models import Client
from clients.selectors import client_by_id_number
from content.models import Branch
from flows.engine import flow_steps
from flows.models import StepRecord
from flows.selectors import pending_application
from flows.services import application_start
client = client_by_id_number(id_number="{id_number}") or Client.objects.create(
    client_no="80019901", id_number="{id_number}", name="{name}", mobile="{mobile}",
    id_valid_from=datetime.date(2016, 5, 31), id_valid_until=datetime.date(2036, 5, 31),
    id_address="示例省示例市示例区示例路 9 号", suitability_class="C4",
    suitability_expires=datetime.date(2028, 6, 30), branch=Branch.objects.get(code="0001"))
from photos.selectors import id_photos_on_file
from photos.services import id_photo_store
from signing.demo import signature_photo_demo
if "signature" not in id_photos_on_file(client=client):  # as the photo step would keep it
    id_photo_store(client=client, side="signature", upload_bytes=signature_photo_demo(client.name))
application = pending_application(client=client) or application_start(client=client)
names = [step.name for step in flow_steps(application)]
for name in names[:names.index("certificate")]:
    StepRecord.objects.update_or_create(application=application, kind=name,
                                        defaults={{"completed_at": timezone.now(), "version": 1}})
print(application.acceptance_number)
"""

SAVE_FIRST = """
from pathlib import Path
from flows.models import Application
from signing.selectors import signed_documents_current
from signing.services import signed_document_read
application = Application.objects.get(acceptance_number="{acceptance_number}")
signed = next(iter(signed_documents_current(application=application).values()))
Path("{path}").write_bytes(signed_document_read(signed=signed))
print("saved")
"""

VERIFY = """
import json
from flows.models import Application
from signing.selectors import signed_documents_current
from signing.services import signed_document_read
from signing.verification import pdf_verify
application = Application.objects.get(acceptance_number="{acceptance_number}")
print(json.dumps([
    {{"title": signed.title, "reports": [report.as_dict() for report in
                                        pdf_verify(signed_document_read(signed=signed))]}}
    for signed in signed_documents_current(application=application).values()
], ensure_ascii=False))
"""


def server_shell(server_env: dict[str, str], code: str) -> str:
    """Run Python in the live server's environment (its SQLite database); its last line out."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=server_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def log_in(page, server_env) -> None:
    open_login(page)
    ask_for_code(page, server_env, ID_NUMBER)
    expect(page.locator("#sms-sent")).to_contain_text("验证码已发送")
    page.get_by_label("短信验证码").fill(sms_code_for(page, MOBILE))
    page.locator("#id_consent").check()
    with page.expect_navigation():
        page.get_by_role("button", name="马上登录").click()


def next_button(page):
    return page.get_by_role("button", name="下一步")


def install_certificate(page) -> None:
    expect(page.locator("#step-title")).to_have_text("安装数字证书")
    expect(next_button(page)).to_be_disabled()
    errors = page.locator("#password-errors li")
    for password, messages in RULES:
        page.get_by_label("证书密码", exact=True).fill(password)
        page.get_by_label("确认证书密码").fill(password)
        page.get_by_role("button", name="安装证书").click()
        expect(errors).to_have_text(messages)
    # a weak password: each rule it breaks says so
    page.get_by_label("证书密码", exact=True).fill(WEAK)
    page.get_by_label("确认证书密码").fill(WEAK)
    page.get_by_role("button", name="安装证书").click()
    expect(errors).to_have_text([RULE_LETTERS_AND_DIGITS, RULE_NO_RUNS])
    shot(page, "1-weak-password")
    # a mismatch
    page.get_by_label("证书密码", exact=True).fill(GOOD)
    page.get_by_label("确认证书密码").fill(OTHER)
    page.get_by_role("button", name="安装证书").click()
    expect(errors).to_have_text(["两次输入的证书密码不一致"])
    # a good one, refused once by the CA: the reason, and "重新安装" (no witness needed yet)
    page.route(
        ISSUE,
        lambda route: route.fulfill(
            status=400,
            content_type="application/json",
            body=json.dumps({"message": REFUSED, "code": "bad_proof"}),
        ),
    )
    page.get_by_label("确认证书密码").fill(GOOD)
    page.get_by_role("button", name="安装证书").click()
    expect(page.locator(".install-error")).to_have_text(REFUSED)
    page.unroute(ISSUE)
    page.get_by_role("button", name="重新安装").click()
    expect(page.locator(".install-status")).to_have_text("数字证书安装成功。")
    expect(page.locator(".install-error")).to_be_hidden()
    expect(page.locator(".certificate-serial")).to_have_text(re.compile(r"^[0-9a-f]{16,40}$"))
    expect(page.locator(".certificate-validity")).to_contain_text(" 至 ")
    expect(next_button(page)).to_be_enabled()
    shot(page, "2-installed")


def shot(page, name: str) -> None:
    page.screenshot(path=f"/tmp/signing-journey-{name}.png", full_page=True)  # noqa: S108


def move_key(page, source: str, target: str) -> None:
    """Keep the record of `source` under `target` instead (as if this device had no key)."""
    page.evaluate(
        """([source, target]) => new Promise((resolve, reject) => {
      const opening = indexedDB.open("onboarding-keys");
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const transaction = opening.result.transaction("keys", "readwrite");
        const store = transaction.objectStore("keys");
        store.get(source).onsuccess = event => {
          store.put({...event.target.result, serial: target});
          store.delete(source);
        };
        transaction.oncomplete = () => { opening.result.close(); resolve(); };
        transaction.onerror = () => reject(transaction.error);
      };
    })""",
        [source, target],
    )


def stored_key(page, serial: str) -> dict:
    """What IndexedDB keeps for the certificate: sizes and names, not the key itself."""
    return page.evaluate(
        """serial => new Promise((resolve, reject) => {
      const opening = indexedDB.open("onboarding-keys");
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const get = opening.result.transaction("keys").objectStore("keys").get(serial);
        get.onsuccess = () => {
          const r = get.result;
          resolve(r && {fields: Object.keys(r).sort(), wrapped: r.wrapped_key.byteLength,
                        salt: r.salt.byteLength, iv: r.iv.byteLength, iterations: r.iterations,
                        acceptance: r.acceptance_number,
                        pem: r.certificate.startsWith("-----BEGIN CERTIFICATE-----")});
        };
      };
    })""",
        serial,
    )


def test_an_investor_installs_the_certificate_and_signs_every_document(
    phone_page, watch, live_server_url, server_env, tmp_path
):
    # given: a business past the video witness, the investor logged in through the real page
    page = phone_page
    acceptance_number = server_shell(
        server_env, PREPARE.format(id_number=ID_NUMBER, mobile=MOBILE, name=NAME)
    )
    seen = watch(page)
    posted: list[tuple[str, str]] = []  # (url, body) of every POST the page makes
    page.on(
        "request",
        lambda request: (
            posted.append((request.url, request.post_data or ""))
            if request.method == "POST"
            else None
        ),
    )
    failures: list[str] = []
    page.on(
        "response",
        lambda response: (
            failures.append(f"{response.status} {response.url}") if response.status >= 500 else None
        ),
    )
    log_in(page, server_env)
    page.goto(f"/business/{acceptance_number}/")

    # when: the certificate is installed (after a weak password and a mismatch are refused)
    install_certificate(page)
    serial = page.locator(".certificate-serial").inner_text()

    # then: the key is kept wrapped on this device, under the serial
    kept = stored_key(page, serial)
    assert kept == {
        "fields": [
            "acceptance_number",
            "certificate",
            "created",
            "iterations",
            "iv",
            "not_after",
            "public_key",
            "salt",
            "serial",
            "wrapped_key",
        ],
        "wrapped": kept["wrapped"],
        "salt": 16,
        "iv": 12,
        "iterations": 600_000,
        "acceptance": acceptance_number,
        "pem": True,
    }
    assert kept["wrapped"] > 100  # pkcs8 of a P-256 key, encrypted, with its GCM tag

    # when: on to the signing step
    with page.expect_navigation():
        next_button(page).click()
    expect(page.locator("#step-title")).to_have_text("签署协议")
    rows = page.locator(".sign-document")
    count = rows.count()
    assert count >= 3
    expect(rows.locator(".sign-status")).to_have_text(["未签署"] * count)
    expect(next_button(page)).to_be_disabled()
    preview = page.context.request.get(rows.first.locator("a.sign-preview").get_attribute("href"))
    assert (preview.status, preview.headers["content-type"]) == (200, "application/pdf")
    assert preview.body().startswith(b"%PDF-")

    # when: this device has no key for the certificate
    move_key(page, serial, "elsewhere")
    page.reload()

    # then: it says so and offers to install again, which asks first (dismissed here)
    expect(page.locator(".sign-error")).to_have_text(NO_KEY_HERE)
    expect(page.get_by_role("button", name="签署全部协议")).to_be_hidden()
    shot(page, "3-no-key-here")
    dialogs: list[str] = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    asked = len(posted)
    page.get_by_role("button", name="重新安装").click()
    expect(page.get_by_role("button", name="重新安装")).to_be_enabled()
    assert dialogs == [REINSTALL_WARNING] and posted[asked:] == []
    move_key(page, "elsewhere", serial)
    page.reload()

    # when: a wrong password
    asked = len(posted)
    page.get_by_label("证书密码").fill(WRONG)
    page.get_by_role("button", name="签署全部协议").click()

    # then: refused in the browser, nothing sent to the server
    expect(page.locator(".sign-error")).to_have_text("证书密码错误")
    shot(page, "4-wrong-password")
    assert posted[asked:] == []
    expect(rows.locator(".sign-status")).to_have_text(["未签署"] * count)

    # when: the right one
    page.get_by_label("证书密码").fill(GOOD)
    page.get_by_role("button", name="签署全部协议").click()

    # then: every document signed, "下一步" moves on
    expect(page.locator(".sign-progress")).to_have_text(
        "全部协议已签署，请点击“下一步”。", timeout=SIGNING_TIMEOUT_MS
    )
    expect(rows.locator(".sign-status")).to_have_text([SIGNED] * count)
    shot(page, "5-signed")
    with page.expect_navigation():
        next_button(page).click()
    assert page.url.endswith(f"/business/{acceptance_number}/revisit/")

    # then: the passwords never left the browser, nothing went outside, no errors
    assert not [body for _url, body in posted if GOOD in body or WRONG in body or WEAK in body]
    assert seen.outside(live_server_url) == []
    # chromium logs the one refusal made above; nothing else
    assert [e for e in seen.errors if "status of 400" not in e or "/action/issue/" not in e] == []
    assert failures == []

    # then: on the server, each signed PDF has both signatures intact, valid and trusted
    verified = json.loads(
        server_shell(server_env, VERIFY.format(acceptance_number=acceptance_number))
    )
    assert len(verified) == count
    for document in verified:
        reports = document["reports"]
        assert [r["field"] for r in reports] == ["InvestorSignature", "CompanySeal"]
        assert reports[0]["signer"] == NAME and reports[0]["serial"] == serial
        for report in reports:
            assert report["intact"] and report["valid"] and report["trusted"], report
            assert report["timestamp_valid"] and not report["modified_after"], report

    # and what a reader sees: the handwritten signature and the red seal, where the fields are
    from tests.signing.test_appearance import _page_image, _region, _widgets

    path = tmp_path / "first.pdf"
    server_shell(server_env, SAVE_FIRST.format(acceptance_number=acceptance_number, path=path))
    pdf = path.read_bytes()
    widgets = _widgets(pdf)
    page_image = _page_image(pdf, widgets["CompanySeal"]["page"], tmp_path)
    strokes = _region(page_image, widgets["InvestorSignature"]["rect"]).astype(int)
    seal = _region(page_image, widgets["CompanySeal"]["rect"]).astype(int)
    assert (strokes.max(axis=-1) < 90).mean() > 0.03
    assert ((seal[..., 0] > 150) & (seal[..., 1] < 90) & (seal[..., 2] < 90)).mean() > 0.05
