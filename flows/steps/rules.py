"""The ordering rules of a flow definition, checked before it can be published."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .registry import StepRegistry
from .registry import registry as default_registry


def flow_steps_problems(
    names: list[str], *, registry: StepRegistry = default_registry
) -> list[str]:
    """Every reason the ordered list of step kinds cannot be published (empty when it can)."""
    problems: list[str] = []
    if not names:
        return [_("流程至少需要一个步骤。")]
    label = {kind.name: kind.label for kind in registry}
    for name in names:
        if name not in registry:
            problems.append(_("步骤类型“%(name)s”没有任何应用提供，不能使用。") % {"name": name})
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(
            _("步骤“%(step)s”出现了多次，每种步骤只能出现一次。") % {"step": label.get(name, name)}
        )
    for position, name in enumerate(names):
        kind = registry.get(name)
        if kind is None:
            continue
        for required in kind.after:
            if required not in names[:position]:
                problems.append(
                    _("“%(step)s”必须在“%(required)s”之后。")
                    % {"step": kind.label, "required": label.get(required, required)}
                )
        if kind.last and position != len(names) - 1:
            problems.append(_("“%(step)s”必须是最后一步。") % {"step": kind.label})
    return problems
