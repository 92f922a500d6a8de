"""Wagtail's tree root is titled "Root", which the page explorer shows as "浏览: Root": name it
in Chinese (the root is not a page anyone publishes; its title only labels the tree)."""

from django.db import migrations


def name_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="Root").update(title="全部页面", draft_title="全部页面")


def unname_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="全部页面").update(title="Root", draft_title="Root")


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0004_four_eyes_review"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(name_root, unname_root)]
