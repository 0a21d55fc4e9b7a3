from django.db import migrations, models

# The launch content's recommended fixes, in order (the problems support
# meets most on cross-border lines), for an installation that loaded the
# articles before the files said so. A new installation gets them from the
# files' home_position.
LAUNCH_RECOMMENDED = [
    "push-connection-refused",
    "push-stream-key-rejected",
    "insufficient-uplink-bandwidth",
    "encoder-overloaded",
    "packet-loss-cross-border",
    "viewers-buffering",
    "playback-latency-too-high",
    "no-audio",
]


def recommend_launch_fixes(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    if Article.objects.filter(home_position__isnull=False).exists():
        return
    for position, slug in enumerate(LAUNCH_RECOMMENDED, start=1):
        Article.objects.filter(slug=slug).update(home_position=position)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0003_feedback_missing'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='home_position',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, help_text='Place among the fixes the home page recommends until use ranks them; empty: not recommended.', null=True, verbose_name='home page position'),
        ),
        migrations.RunPython(recommend_launch_fixes, migrations.RunPython.noop),
    ]
