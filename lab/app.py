"""Build the CDKTF app from the lab definition.

Each kind of stack lives in its own module, imported only when a stack of that kind is
built: synthesizing the management stack alone never loads the aws or azurerm provider.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection
from typing import Final

from cdktn import App
from constructs import Construct

from lab.definition import LabDefinition, StackDefinition, StackKind
from lab.errors import StackBuildError
from lab.experiments import Cloud

StackBuilder = Callable[[Construct, StackDefinition, LabDefinition], object]

# (kind, cloud) -> "module:function" that adds such a stack to the app.
_BUILDERS: Final[dict[tuple[StackKind, Cloud | None], str]] = {
    (StackKind.MANAGEMENT, None): "lab.stacks.spacelift_root:SpaceliftRootStack",
    (StackKind.FOUNDATION, Cloud.AZURE): "lab.stacks.azure_foundation:AzureFoundationStack",
    (StackKind.FOUNDATION, Cloud.AWS): "lab.stacks.aws_foundation:AwsFoundationStack",
    (StackKind.EXPERIMENT, Cloud.AZURE): "lab.stacks.aks_experiment:AksExperimentStack",
    (StackKind.EXPERIMENT, Cloud.AWS): "lab.stacks.eks_experiment:EksExperimentStack",
}


def builder_for(stack: StackDefinition) -> StackBuilder:
    """The stack class for a definition, imported on first use."""
    module_name, _, name = _BUILDERS[(stack.kind, stack.cloud)].partition(":")
    builder: StackBuilder = getattr(importlib.import_module(module_name), name)
    return builder


def build_app(
    definition: LabDefinition, *, outdir: str, only: Collection[str] | None = None
) -> App:
    """An App holding every stack of ``definition`` (or the stacks named in ``only``)."""
    if only is not None:
        for stack_id in only:
            definition.get(stack_id)  # raises KeyError listing the known ids
    # stack_traces would record source paths of this machine in the output.
    app = App(outdir=outdir, stack_traces=False)
    for stack in definition.stacks:
        if only is None or stack.id in only:
            try:
                builder_for(stack)(app, stack, definition)
            except ValueError as error:  # a construct refused its props
                raise StackBuildError(stack.id, error) from error
    return app
