"""The StreamField of a flow definition: one block per registered step kind.

The blocks come from the step registry, which capability apps fill when Django starts, so they
are built at first use rather than at import; and they are left out of migrations, so that an app
adding a step kind needs no migration of flows."""

from __future__ import annotations

from django.db import models
from django.utils.functional import cached_property
from wagtail.blocks import StreamBlock
from wagtail.fields import StreamField

from .steps import registry


class StepsField(StreamField):
    def __init__(self, *args, **kwargs):
        kwargs.pop("block_lookup", None)
        super().__init__(None, **kwargs)

    @cached_property
    def stream_block(self) -> StreamBlock:
        children = []
        for kind in registry:
            block = kind.options()
            # meta.label keeps StreamBlock.set_name from replacing the label with the name
            block.label = block.meta.label = kind.label
            block.meta.icon = kind.icon
            children.append((kind.name, block))
        block = StreamBlock(children)
        block.set_meta_options(self.block_opts)
        return block

    def deconstruct(self):
        name, _path, _args, kwargs = models.Field.deconstruct(self)
        return name, "flows.fields.StepsField", [], kwargs
