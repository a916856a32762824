# Approval rights per contact: can approve (with an optional per-RO limit), view only, or
# designated authorizer (who designated them, and when).
#
# On SQLite adding a NOT NULL column rebuilds customers_contact, which drops the triggers that
# keep its search index up to date (signoff.core.search): the index is made again at the end.

import django.db.models.deletion
from django.db import migrations, models

from signoff.core.search import TextSearchIndex

CONTACT_SEARCH = TextSearchIndex(
    model_name='contact', fields=['name', 'email', 'mobile', 'phone'], name='contact_text_trgm'
)


def contact_search_again(apps, schema_editor):
    if schema_editor.connection.vendor != 'sqlite':
        return
    model = apps.get_model('customers', 'Contact')
    for statement in CONTACT_SEARCH._sqlite_drop(model) + CONTACT_SEARCH._sqlite_create(model):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0005_contact_language_no_preference'),
    ]

    operations = [
        migrations.AddField(
            model_name='contact',
            name='approval_limit',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True),
        ),
        migrations.AddField(
            model_name='contact',
            name='approval_right',
            field=models.CharField(choices=[('approve', 'Can approve'), ('view_only', 'View only'), ('designated', 'Designated authorizer')], default='approve', max_length=12),
        ),
        migrations.AddField(
            model_name='contact',
            name='designated_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='contact',
            name='designated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='customers.contact'),
        ),
        migrations.RunPython(contact_search_again, migrations.RunPython.noop),
    ]
