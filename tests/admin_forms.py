"""Driving the admin as an editor does: a logged-in client, and a rendered add/change page
turned back into the POST data a browser would send."""

from django.test import Client


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _field_data(form, data: dict) -> None:
    for bound in form:
        if bound.field.disabled:
            continue
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        else:
            data[bound.html_name] = str(value)


def change_form_data(response, **changes) -> dict:
    """The form's current values, inline formsets included, with ``changes`` applied."""
    context = response.context
    data: dict = {}
    _field_data(context["adminform"].form, data)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        for form in formset.initial_forms:
            _field_data(form, data)
    data.update(changes)
    return data
