"""Pages about the site itself: About and methods, robots.txt, reporting a problem."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from evidence.models import ProblemReport


@require_safe
def about(request):
    return render(
        request,
        "public/about.html",
        {
            "page_description": "What the MDMA Evidence Tracker covers, where its data come "
            "from, how it is curated and how its syntheses are computed."
        },
    )


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


class ProblemReportForm(forms.ModelForm):
    # Left empty by people; filled in by form-filling robots, whose reports are dropped.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = ProblemReport
        fields = ["page", "message", "contact"]
        labels = {
            "page": "Page",
            "message": "What is wrong, and where did you see the correct fact?",
            "contact": "Your e-mail (optional, only to reply to you)",
        }
        widgets = {"page": forms.TextInput(attrs={"readonly": True})}


@require_http_methods(["GET", "HEAD", "POST"])
def report_problem(request):
    if request.method == "POST":
        form = ProblemReportForm(request.POST)
        if form.is_valid():
            if not form.cleaned_data["website"]:
                form.save()
            page = form.cleaned_data["page"]
            return render(request, "public/report_thanks.html", {"page": page})
        return render(request, "public/report_problem.html", {"form": form}, status=400)
    record = request.GET.get("record", "/")
    page_field = ProblemReport._meta.get_field("page")
    try:
        page_field.clean(record, None)
    except ValidationError:
        record = "/"
    return render(
        request,
        "public/report_problem.html",
        {"form": ProblemReportForm(initial={"page": record})},
    )
