from pilote.territoire.models.actors import Actor, ActorSource, SourceKind
from pilote.territoire.models.fund import (
    Application,
    Call,
    CommitteeMember,
    Contribution,
    Decision,
    ForumSession,
    LegalRoute,
    MatchingRule,
    Milestone,
    Pitch,
    Pool,
    Score,
)
from pilote.territoire.models.schemes import Grant, GrantSource, Scheme


__all__ = [
    "Actor",
    "ActorSource",
    "Application",
    "Call",
    "CommitteeMember",
    "Contribution",
    "Decision",
    "ForumSession",
    "Grant",
    "GrantSource",
    "LegalRoute",
    "MatchingRule",
    "Milestone",
    "Pitch",
    "Pool",
    "Scheme",
    "Score",
    "SourceKind",
]
