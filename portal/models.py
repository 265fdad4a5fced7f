"""Imports every model module so that SQLAlchemy and Alembic see the whole schema."""

from portal.assessment.models import (  # noqa: F401
    AssessmentSetting,
    AssessorInput,
    FeedbackBucket,
    QuestionnaireItem,
    RaterCompletion,
    RaterDraft,
    RaterNomination,
    ReleasedBucket,
    ReminderRound,
    ResultRelease,
    SelfAssessment,
    SelfBehaviourRating,
    SelfResultRating,
)
from portal.auth.models import LoginAttempt, User  # noqa: F401
from portal.citizen.models import CitizenFeedback, CitizenSubmission, ServicePoint  # noqa: F401
from portal.core.audit import AuditLog  # noqa: F401
from portal.development.models import (  # noqa: F401
    ActivityType,
    Competency,
    CompetencyAssessment,
    CompetencyRating,
    CompetencyStandard,
    DevelopmentCertificate,
    DevelopmentItem,
    DevelopmentPlan,
)
from portal.dialog.models import (  # noqa: F401
    CoachingMeeting,
    CoachingRecord,
    CounsellingNote,
    CounsellingReferral,
    Counsellor,
    DialogAction,
    DialogSession,
    TalkingPoint,
)
from portal.evaluation.models import (  # noqa: F401
    Appeal,
    AppealAttachment,
    AppealStatement,
    DistributionRule,
    Evaluation,
    EvaluationDocument,
    UnitAchievement,
)
from portal.evaluation.verification import VerificationLookup  # noqa: F401
from portal.imports.models import ImportBatch, ImportRow  # noqa: F401
from portal.notifications.models import EmailLog, Notification, NotificationPreference  # noqa: F401
from portal.org.models import (  # noqa: F401
    ActingAssignment,
    Employee,
    EmployeeMove,
    Golongan,
    Position,
    PositionType,
    Unit,
)
from portal.periods.models import Holiday, Period, PeriodPhase, PhaseReopening  # noqa: F401
from portal.progress.models import Evidence, Feedback, FeedbackPhrase, FeedbackRequest, Realisation  # noqa: F401
from portal.skp.models import BehaviourExpectation, Indicator, ResultPlan, Skp, SkpEvent, UnitGoal  # noqa: F401
