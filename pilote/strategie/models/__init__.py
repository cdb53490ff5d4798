"""Models of the strategy app: objectives and strategies (strategy.py), modeller sessions (session.py), citizen
juries (jury.py) and the jurors' space (juror.py)."""

from pilote.strategie.models.juror import JurorAccess, JurorOpinion
from pilote.strategie.models.jury import Jury, JuryMember, Opinion, Quota, Verdict, Volunteer
from pilote.strategie.models.session import (
    ModellerSession,
    Participant,
    ParticipantRole,
    Round,
    Scenario,
    ScenarioItem,
    SessionNote,
    Vote,
)
from pilote.strategie.models.strategy import (
    Axis,
    Comment,
    Indicator,
    IndicatorKind,
    Instrument,
    InstrumentLink,
    InstrumentStatus,
    Lever,
    ManualResult,
    Objective,
    Strategy,
    StrategyVersion,
    Target,
)


__all__ = [
    "Axis",
    "Comment",
    "Indicator",
    "IndicatorKind",
    "Instrument",
    "InstrumentLink",
    "InstrumentStatus",
    "JurorAccess",
    "JurorOpinion",
    "Jury",
    "JuryMember",
    "Lever",
    "ManualResult",
    "ModellerSession",
    "Objective",
    "Opinion",
    "Participant",
    "ParticipantRole",
    "Quota",
    "Round",
    "Scenario",
    "ScenarioItem",
    "SessionNote",
    "Strategy",
    "StrategyVersion",
    "Target",
    "Verdict",
    "Volunteer",
    "Vote",
]
