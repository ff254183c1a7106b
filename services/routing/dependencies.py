"""What routing's routers are given, typed: the classifier context and the background training."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from services.routing.learning.handlers import BackgroundTraining
from services.routing.routings.service import RoutingContext
from shared.service_app import RuntimeDep


@dataclass
class RoutingState:
    """Routing's part of the runtime (ServiceRuntime.context), made at start."""

    routing: RoutingContext
    training: BackgroundTraining


async def routing_state(runtime: RuntimeDep) -> RoutingState:
    return runtime.context


RoutingStateDep = Annotated[RoutingState, Depends(routing_state)]
