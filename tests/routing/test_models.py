import pytest
from django.core.exceptions import ValidationError

from routing.models import RoutingSettings

pytestmark = pytest.mark.django_db


def test_defaults_match_the_design():
    settings = RoutingSettings.get_solo()

    assert [settings.model_for(t) for t in ("haiku", "sonnet", "opus")] == [
        "claude-haiku-5-5",
        "claude-sonnet-5-5",
        "claude-opus-5-5",
    ]
    assert (settings.downgrade_at, settings.haiku_only_at) == (0.80, 0.95)


@pytest.mark.parametrize(
    ("field", "value", "error_on"),
    [
        ("downgrade_at", 0.96, "haiku_only_at"),
        ("opus_from", 0.2, "opus_from"),
        ("sonnet_model", "   ", "sonnet_model"),
    ],
)
def test_invalid_values_are_refused_with_a_clear_message(field, value, error_on):
    settings = RoutingSettings.get_solo()
    setattr(settings, field, value)

    with pytest.raises(ValidationError) as caught:
        settings.full_clean()
    assert error_on in caught.value.message_dict


def test_there_is_only_ever_one_row():
    RoutingSettings(pk=7, force_model="opus").save()

    assert RoutingSettings.objects.get().force_model == "opus"
