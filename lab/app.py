"""Build the CDKTF app from the lab definition.

Each kind of stack lives in its own module, imported only when a stack of that kind is
built: synthesizing the management stack alone never loads the aws or azurerm provider.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Final

from cdktn import App
from constructs import Construct

from lab.clouds import cloud_unit
from lab.clouds.unit import load
from lab.definition import LabDefinition, StackDefinition, StackKind
from lab.errors import StackBuildError

StackBuilder = Callable[[Construct, StackDefinition, LabDefinition], object]

_MANAGEMENT_STACK: Final = "lab.stacks.spacelift_root:SpaceliftRootStack"
_EXPERIMENT_STACK: Final = "lab.stacks.experiment:ExperimentStack"


def builder_for(stack: StackDefinition) -> StackBuilder:
    """The stack class for a definition, imported on first use: the management stack, the
    foundation stack of the stack's cloud, or the experiment stack."""
    if stack.cloud is None:
        target = _MANAGEMENT_STACK
    else:
        cloud = cloud_unit(stack.cloud)
        target = cloud.foundation_stack if stack.kind is StackKind.FOUNDATION else _EXPERIMENT_STACK
    builder: StackBuilder = load(target)
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
            except ValueError as error:  # a policy file spacelift-root cannot read
                raise StackBuildError(stack.id, error) from error
    return app
