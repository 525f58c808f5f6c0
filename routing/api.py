from ninja import Router

from routing.schemas import RouteIn, RouteOut
from routing.services import route_message

router = Router(tags=["routing"])


@router.post("/route", response=RouteOut, summary="Routing decision for a message (no model call)")
def route(request, payload: RouteIn):
    context = [turn.dict() for turn in payload.context]
    return route_message(
        message=payload.message, context=context, budget_used=payload.budget_used
    ).to_dict()
