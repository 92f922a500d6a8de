from wagtail.admin.forms import WagtailAdminModelForm


class FlowDefinitionForm(WagtailAdminModelForm):
    def _post_clean(self):
        # A draft may be mid-reorder: the ordering rules are checked when it is published (or
        # submitted), as Wagtail defers required fields for drafts.
        self.instance.defer_flow_rules = self.is_deferred_validation
        super()._post_clean()
