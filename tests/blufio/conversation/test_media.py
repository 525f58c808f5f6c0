"""Photos, images and PDFs from a webhook POST to the reply, through the real SDKs and
the fakes (getFile and the file server of the fake Telegram, image and document blocks at
the fake Claude); what Claude cannot read gets an answer and no charge."""

import base64
import io

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from blufio.clients import anthropic as claude_client
from blufio.models import ChatMessage, InboundUpdate
from costs.models import BudgetSettings, BudgetWindow, LedgerEntry, Reservation
from costs.pricing import image_token_bound, pdf_token_bound, prompt_token_bound, worst_case_cost
from costs.selectors import price_rule_for
from routing.models import RoutingSettings
from tests.conftest import text_update
from tests.helpers import post, wait_until_settled

pytestmark = pytest.mark.django_db

AUDIO_REPLY = (
    "I can't listen to voice notes or audio: Claude reads text, photos and PDFs, not sound. "
    "Could you type it instead?"
)
VIDEO_REPLY = (
    "I can't watch videos or GIFs: Claude reads text, photos and PDFs. "
    "A screenshot of the moment you mean works."
)
STICKER_REPLY = "Nice sticker! I can only read text, photos and PDFs, though."
UNSUPPORTED_REPLY = (
    "I can't read that kind of file. I read photos, images (JPEG, PNG, GIF, WebP) and PDFs; "
    "for anything else, paste the text."
)


def image_bytes(width: int, height: int, image_format: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, image_format)
    return buffer.getvalue()


def pdf_bytes(pages: int, *, password: str | None = None) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def media_update(media: dict, *, caption: str | None = None, update_id: int | None = None):
    """A private message from the owner carrying `media` (photo, document, voice, …)."""
    update = text_update("", update_id=update_id)
    del update["message"]["text"]
    update["message"].update(media)
    if caption is not None:
        update["message"]["caption"] = caption
    return update


def photo_update(fake_telegram, content: bytes, *, width: int, height: int, **options):
    """A photo as Telegram sends it: a thumbnail and the full size, both downloadable."""
    thumb = image_bytes(90, 68)
    sizes = [
        {
            "file_id": fake_telegram.add_file(thumb),
            "file_unique_id": "thumb",
            "width": 90,
            "height": 68,
            "file_size": len(thumb),
        },
        {
            "file_id": fake_telegram.add_file(content),
            "file_unique_id": "full",
            "width": width,
            "height": height,
            "file_size": len(content),
        },
    ]
    return media_update({"photo": sizes}, **options)


def document_update(
    fake_telegram, content: bytes, *, mime_type: str, file_name: str, size=None, **options
):
    suffix = file_name.rsplit(".", 1)[-1]
    document = {
        "file_id": fake_telegram.add_file(content, size=size, suffix=suffix),
        "file_unique_id": "doc",
        "file_name": file_name,
        "mime_type": mime_type,
        "file_size": len(content) if size is None else size,
    }
    return media_update({"document": document}, **options)


def base64_block(kind: str, media_type: str, content: bytes) -> dict:
    """An image or document block as the Messages API takes it."""
    data = base64.standard_b64encode(content).decode()
    return {"type": kind, "source": {"type": "base64", "media_type": media_type, "data": data}}


def worst_case_held(call, *, media_tokens: int):
    """The hold a recorded call should have had: its text and `media_tokens`, at its model."""
    params = call.params
    prompt = prompt_token_bound(params["system"], params["messages"], media_tokens=media_tokens)
    rule = price_rule_for(model=params["model"])
    return worst_case_cost(rule, prompt_tokens=prompt, max_output_tokens=params["max_tokens"])


def sent_to_claude(call) -> list[dict]:
    """The content blocks of the owner's turn in one recorded Claude call."""
    return call.params["messages"][-1]["content"]


def test_a_photo_is_downloaded_and_shown_to_claude_with_its_caption(
    post_update, fake_claude, fake_telegram
):
    photo = image_bytes(1280, 960)
    update = photo_update(
        fake_telegram, photo, width=1280, height=960, caption="What's in this photo?"
    )
    full = update["message"]["photo"][1]

    response = post_update(update)

    assert response.status_code == 200
    assert fake_telegram.calls("getFile") == [{"file_id": full["file_id"]}]
    assert fake_telegram.downloads() == [fake_telegram.files[full["file_id"]].path]
    [call] = fake_claude.calls
    assert sent_to_claude(call) == [
        base64_block("image", "image/jpeg", photo),
        {"type": "text", "text": "[Photo]\nWhat's in this photo?"},
    ]
    assert call.params["model"] == "claude-haiku-5-5"  # a plain photo question stays Haiku
    assert fake_telegram.sent_texts() == ["Hello from Claude."]
    entry = LedgerEntry.objects.get()
    assert (entry.attachment_kind, entry.tier, entry.outcome) == ("image", "haiku", "ok")
    # The hold counted the photo by its pixels on top of the text.
    held = worst_case_held(call, media_tokens=image_token_bound(1280, 960))
    assert Reservation.objects.get().amount_usd == held
    owner = ChatMessage.objects.get(role="user")
    assert (owner.text, owner.attachment_kind) == ("[Photo]\nWhat's in this photo?", "image")
    assert owner.attachment_file_id == full["file_id"]
    assert InboundUpdate.objects.get().result == "replied"


def test_the_photo_is_not_sent_again_with_later_turns(post_update, fake_claude, fake_telegram):
    post_update(photo_update(fake_telegram, image_bytes(800, 600), width=800, height=600))
    post_update(text_update("And what colour is it?"))

    assert fake_claude.calls[1].params["messages"] == [
        {"role": "user", "content": "[Photo]"},
        {"role": "assistant", "content": "Hello from **Claude**."},
        {"role": "user", "content": "And what colour is it?"},
    ]
    assert len(fake_telegram.downloads()) == 1


def test_a_photo_without_a_caption_is_looked_at_by_sonnet(post_update, fake_claude, fake_telegram):
    post_update(photo_update(fake_telegram, image_bytes(640, 480), width=640, height=480))

    [call] = fake_claude.calls
    assert call.params["model"] == "claude-sonnet-5-5"
    assert sent_to_claude(call)[1] == {"type": "text", "text": "[Photo]"}
    entry = LedgerEntry.objects.get()
    assert entry.routing_reasons[0] == "an image without a question: at least Sonnet"


def test_the_largest_photo_size_within_claudes_resolution_is_the_one_downloaded(
    post_update, fake_claude, fake_telegram
):
    update = photo_update(fake_telegram, image_bytes(1280, 960), width=1280, height=960)
    huge = {"file_id": fake_telegram.add_file(b"never fetched"), "file_unique_id": "x"}
    update["message"]["photo"].append({**huge, "width": 5120, "height": 3840})

    post_update(update)

    [asked] = fake_telegram.calls("getFile")
    assert asked["file_id"] == update["message"]["photo"][1]["file_id"]


def test_an_image_sent_as_a_file_is_sent_as_its_real_type(post_update, fake_claude, fake_telegram):
    png = image_bytes(300, 200, "PNG")
    # Telegram was told JPEG; Claude refuses an image whose declared type is not its own.
    update = document_update(
        fake_telegram, png, mime_type="image/jpeg", file_name="chart.jpg", caption="Explain"
    )

    post_update(update)

    [call] = fake_claude.calls
    assert sent_to_claude(call)[0]["source"]["media_type"] == "image/png"
    assert sent_to_claude(call)[1] == {"type": "text", "text": "[Image chart.jpg]\nExplain"}
    assert LedgerEntry.objects.get().attachment_kind == "image"


def test_a_pdf_is_read_by_sonnet_as_a_document_block(post_update, fake_claude, fake_telegram):
    pdf = pdf_bytes(3)
    update = document_update(
        fake_telegram,
        pdf,
        mime_type="application/pdf",
        file_name="invoice.pdf",
        caption="When is this due?",
    )

    post_update(update)

    [call] = fake_claude.calls
    assert call.params["model"] == "claude-sonnet-5-5"
    assert sent_to_claude(call) == [
        base64_block("document", "application/pdf", pdf),
        {"type": "text", "text": "[PDF invoice.pdf, 3 pages]\nWhen is this due?"},
    ]
    entry = LedgerEntry.objects.get()
    assert (entry.attachment_kind, entry.tier, entry.intended_tier) == ("pdf", "sonnet", "sonnet")
    assert entry.routing_reasons[0] == "a PDF to read: at least Sonnet"
    held = worst_case_held(call, media_tokens=pdf_token_bound(3))
    assert Reservation.objects.get().amount_usd == held
    assert fake_telegram.sent_texts() == ["Hello from Claude."]


def test_a_many_page_contract_goes_to_opus(post_update, fake_claude, fake_telegram):
    update = document_update(
        fake_telegram, pdf_bytes(24), mime_type="application/pdf", file_name="lease.pdf"
    )

    post_update(update)

    [call] = fake_claude.calls
    assert call.params["model"] == "claude-opus-5-5"
    entry = LedgerEntry.objects.get()
    assert (entry.tier, entry.routing_reasons[0]) == ("opus", "a PDF of 20+ pages: Opus")


def test_a_prefix_in_the_caption_is_honoured_even_alone(post_update, fake_claude, fake_telegram):
    update = document_update(
        fake_telegram,
        pdf_bytes(30),
        mime_type="application/pdf",
        file_name="a.pdf",
        caption="/haiku",
    )

    post_update(update)

    [call] = fake_claude.calls
    assert call.params["model"] == "claude-haiku-5-5"
    assert sent_to_claude(call)[1] == {"type": "text", "text": "[PDF a.pdf, 30 pages]"}
    assert LedgerEntry.objects.get().override == "prefix"


def test_a_file_too_large_for_claude_is_refused_before_it_is_downloaded(
    post_update, fake_claude, fake_telegram
):
    update = document_update(
        fake_telegram, b"%PDF-", mime_type="application/pdf", file_name="scan.pdf", size=30_000_000
    )
    image = document_update(
        fake_telegram, b"\xff\xd8", mime_type="image/jpeg", file_name="raw.jpg", size=4_500_000
    )

    post_update(update)
    post_update(image)

    assert fake_telegram.calls("getFile") == []
    assert fake_telegram.sent_texts() == [
        "That file (30.0 MB) is too large for me: I can read up to 20.0 MB.",
        "That file (4.5 MB) is too large for me: I can read up to 3.9 MB. "
        "Send it as a photo (compressed) instead.",
    ]
    assert fake_claude.calls == [] and LedgerEntry.objects.count() == 0
    assert set(InboundUpdate.objects.values_list("result", flat=True)) == {"attachment_too_large"}


def test_a_file_telegram_will_not_let_bots_download_gets_the_same_answer(
    post_update, fake_claude, fake_telegram
):
    update = document_update(
        fake_telegram, b"", mime_type="application/pdf", file_name="big.pdf", size=25_000_000
    )
    del update["message"]["document"]["file_size"]  # the update does not say

    post_update(update)

    assert len(fake_telegram.calls("getFile")) == 1 and fake_telegram.downloads() == []
    assert fake_telegram.sent_texts() == [
        "That file is too large for me: I can read up to 20.0 MB."
    ]
    assert fake_claude.calls == []


@pytest.mark.parametrize(
    ("content", "mime_type", "name", "reply", "result"),
    [
        (
            b"PK\x03\x04",
            "application/zip",
            "notes.zip",
            UNSUPPORTED_REPLY,
            "attachment_unsupported",
        ),
        (
            image_bytes(20, 20, "BMP"),
            "image/jpeg",
            "x.jpg",
            UNSUPPORTED_REPLY,
            "attachment_unsupported",
        ),
        (
            pdf_bytes(1, password="secret"),
            "application/pdf",
            "locked.pdf",
            "That PDF is password-protected, so I can't read it. "
            "Could you send one without a password?",
            "attachment_encrypted",
        ),
        (
            b"%PDF-1.7 this is not a PDF",
            "application/pdf",
            "broken.pdf",
            "I couldn't open that file: it seems damaged. Could you send it again?",
            "attachment_unreadable",
        ),
        (
            b"RIFF\x00\x00\x00\x00WEBPVP8 ",
            "image/webp",
            "cut.webp",
            "I couldn't open that file: it seems damaged. Could you send it again?",
            "attachment_unreadable",
        ),
        (
            pdf_bytes(101),
            "application/pdf",
            "book.pdf",
            "That PDF has 101 pages; I can read up to 100. Could you send a part of it?",
            "attachment_too_large",
        ),
        (
            image_bytes(8200, 10, "PNG"),
            "image/png",
            "strip.png",
            "That image is 8200×10 pixels; Claude reads up to 8000×8000. "
            "Send it as a photo (compressed) instead.",
            "attachment_too_large",
        ),
    ],
)
def test_a_file_claude_cannot_read_gets_a_clear_answer_and_no_charge(
    post_update, fake_claude, fake_telegram, content, mime_type, name, reply, result
):
    post_update(document_update(fake_telegram, content, mime_type=mime_type, file_name=name))

    assert fake_telegram.sent_texts() == [reply]
    assert InboundUpdate.objects.get().result == result
    assert fake_claude.calls == [] and LedgerEntry.objects.count() == 0
    assert not BudgetWindow.objects.filter(spent_usd__gt=0).exists()


@pytest.mark.parametrize(
    ("media", "reply", "result"),
    [
        ({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}, AUDIO_REPLY, "audio"),
        (
            {"audio": {"file_id": "a", "file_unique_id": "a", "duration": 200}},
            AUDIO_REPLY,
            "audio",
        ),
        (
            {
                "video": {
                    "file_id": "v",
                    "file_unique_id": "v",
                    "width": 1,
                    "height": 1,
                    "duration": 1,
                }
            },
            VIDEO_REPLY,
            "video",
        ),
        (
            {"video_note": {"file_id": "n", "file_unique_id": "n", "length": 1, "duration": 1}},
            VIDEO_REPLY,
            "video",
        ),
        (
            {
                "animation": {
                    "file_id": "g",
                    "file_unique_id": "g",
                    "width": 1,
                    "height": 1,
                    "duration": 1,
                },
                "document": {"file_id": "g", "file_unique_id": "g", "mime_type": "video/mp4"},
            },
            VIDEO_REPLY,
            "video",
        ),
        (
            {
                "sticker": {
                    "file_id": "s",
                    "file_unique_id": "s",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                }
            },
            STICKER_REPLY,
            "sticker",
        ),
    ],
)
def test_sound_video_and_stickers_get_an_honest_answer_without_a_download_or_a_charge(
    post_update, fake_claude, fake_telegram, media, reply, result
):
    post_update(media_update(media, caption="listen to this"))

    assert fake_telegram.sent_texts() == [reply]
    assert InboundUpdate.objects.get().result == result
    assert fake_telegram.calls("getFile") == [] and fake_claude.calls == []
    assert LedgerEntry.objects.count() == 0


def test_a_download_that_fails_for_now_is_retried_and_answered_once(
    post_update, fake_claude, fake_telegram
):
    fake_telegram.fail_downloads = 1
    update = photo_update(fake_telegram, image_bytes(320, 240), width=320, height=240)

    post_update(update)  # tasks run inline: the planned retry runs at once

    stored = InboundUpdate.objects.get()
    assert (stored.status, stored.result, stored.attempts) == ("done", "replied", 2)
    assert len(fake_telegram.downloads()) == 2
    assert len(fake_claude.calls) == 1 and LedgerEntry.objects.count() == 1
    assert fake_telegram.sent_texts() == ["Hello from Claude."]


def test_an_attachment_whose_worst_case_does_not_fit_the_days_budget_is_told_so(
    post_update, fake_claude, fake_telegram
):
    BudgetSettings.objects.update_or_create(pk=1, defaults={"daily_budget_usd": "0.20"})
    update = document_update(
        fake_telegram, pdf_bytes(90), mime_type="application/pdf", file_name="report.pdf"
    )

    post_update(update)

    assert fake_telegram.sent_texts() == [
        "Reading that PDF could cost more than is left of today's budget, so I didn't. "
        "A smaller one, or part of it, may fit."
    ]
    assert fake_claude.calls == [] and LedgerEntry.objects.count() == 0


def test_the_fake_claude_refuses_malformed_blocks_as_the_real_api(fake_claude, settings):
    def ask(block: dict) -> claude_client.ClaudeError:
        messages = [{"role": "user", "content": [block, {"type": "text", "text": "hi"}]}]
        with pytest.raises(claude_client.ClaudeError) as raised:
            claude_client.complete(
                model="claude-haiku-5-5", system="", messages=messages, max_tokens=9
            )
        return raised.value

    png = base64.standard_b64encode(image_bytes(4, 4, "PNG")).decode()
    source = {"type": "base64", "media_type": "image/jpeg", "data": png}
    mismatch = ask({"type": "image", "source": source})
    bmp = ask({"type": "image", "source": {**source, "media_type": "image/bmp"}})
    not_pdf = ask({"type": "document", "source": {**source, "media_type": "application/pdf"}})

    assert (mismatch.status, mismatch.permanent) == (400, True)
    assert mismatch.detail == (
        "messages.0.content.0.image.source.base64.data: "
        "Image does not match the provided media type image/jpeg"
    )
    assert bmp.detail == (
        "messages.0.content.0.image.source.base64.media_type: "
        "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"
    )
    assert not_pdf.detail == (
        "messages.0.content.0.pdf.source.base64.data: The PDF specified was not valid."
    )
    good = {"type": "image", "source": {**source, "media_type": "image/png"}}
    messages = [{"role": "user", "content": [good, {"type": "text", "text": "hi"}]}]
    answer = claude_client.complete(
        model="claude-haiku-5-5", system="", messages=messages, max_tokens=9
    )
    assert answer.text == "Hello from **Claude**."


# Odd media updates: sizes missing or absurd, unknown types, file ids missing or unknown.
sizes = st.one_of(st.none(), st.integers(min_value=-5, max_value=10**13), st.text(max_size=3))
file_ids = st.one_of(st.none(), st.just(""), st.text(max_size=20), st.integers())


def _fields(**strategies):
    """A dict where each field may be left out, as updates may leave any of them out."""
    return st.fixed_dictionaries({}, optional=strategies).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


odd_media = st.one_of(
    st.builds(
        lambda sizes: {"photo": sizes},
        st.lists(
            _fields(
                file_id=file_ids,
                file_unique_id=st.just("u"),
                width=sizes,
                height=sizes,
                file_size=sizes,
            ),
            max_size=3,
        ),
    ),
    st.builds(
        lambda document: {"document": document},
        _fields(
            file_id=file_ids,
            file_unique_id=st.just("u"),
            mime_type=st.one_of(
                st.sampled_from(["application/pdf", "image/png", "image/heic", "text/plain", ""]),
                st.text(max_size=15),
            ),
            file_name=st.text(max_size=15),
            file_size=sizes,
        ),
    ),
    st.builds(
        lambda kind, body: {kind: body},
        st.sampled_from(["voice", "audio", "video", "video_note", "sticker", "animation"]),
        _fields(file_id=file_ids, file_unique_id=st.just("u"), duration=sizes, width=sizes),
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(media=odd_media, caption=st.one_of(st.none(), st.text(max_size=30)))
def test_odd_media_updates_never_cause_a_500_a_charge_or_a_lost_update(
    post_update, fake_claude, fake_telegram, media, caption
):
    update = media_update(media, caption=caption)

    response = post_update(update)

    assert response.status_code in (200, 400)
    stored = InboundUpdate.objects.filter(update_id=update["update_id"]).first()
    if response.status_code == 400:  # python-telegram-bot cannot read it: not an update
        assert stored is None
    else:  # kept, answered, and told why when it was not one Claude could read
        assert stored is not None and stored.status == "done", stored and stored.result
        assert fake_telegram.sent_texts()
    assert fake_claude.calls == [] and LedgerEntry.objects.count() == 0
    fake_telegram.reset()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_answers_a_photo_and_a_pdf_from_webhook_posts(
    start_worker, fake_claude, fake_telegram
):
    RoutingSettings.get_solo()
    start_worker()
    photo = image_bytes(1280, 960)
    pdf = pdf_bytes(2)
    first = photo_update(fake_telegram, photo, width=1280, height=960, caption="Receipt total?")
    second = document_update(
        fake_telegram, pdf, mime_type="application/pdf", file_name="nda.pdf", caption="Summarise"
    )

    assert [post(first), post(second)] == [200, 200]
    wait_until_settled(2)

    assert list(InboundUpdate.objects.values_list("result", flat=True)) == ["replied"] * 2
    image_call, pdf_call = [c for c in fake_claude.calls if "tools" not in c.params]
    assert sent_to_claude(image_call)[0] == base64_block("image", "image/jpeg", photo)
    assert sent_to_claude(pdf_call)[0] == base64_block("document", "application/pdf", pdf)
    rows = LedgerEntry.objects.filter(feature="message").order_by("created_at")
    assert [(r.attachment_kind, r.tier, r.outcome) for r in rows] == [
        ("image", "haiku", "ok"),
        ("pdf", "sonnet", "ok"),
    ]
    assert fake_telegram.sent_texts() == ["Hello from Claude.", "Hello from Claude."]
    assert Reservation.objects.filter(status="held").count() == 0
