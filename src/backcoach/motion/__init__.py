"""The motion engine: pure signal processing of pose landmarks (numpy and the standard library).

Streaming: ``create_analyser(exercise_id).update(frame) -> Feedback`` for each frame, the
time taken from the frame. Modules: landmarks, geometry, filters, counters, framing,
feedback, traces, the analysers (one per exercise) and the registry.
"""

from backcoach.motion.feedback import Analyser, Feedback, Finding, FramingProblem, Hold
from backcoach.motion.landmarks import LANDMARK_COUNT, Landmark, PoseFrame
from backcoach.motion.registry import ANALYSED_EXERCISES, create_analyser, default_thresholds
from backcoach.motion.traces import TraceError, TraceHeader, iter_trace, read_trace, write_trace

__all__ = [
    "ANALYSED_EXERCISES",
    "LANDMARK_COUNT",
    "Analyser",
    "Feedback",
    "Finding",
    "FramingProblem",
    "Hold",
    "Landmark",
    "PoseFrame",
    "TraceError",
    "TraceHeader",
    "create_analyser",
    "default_thresholds",
    "iter_trace",
    "read_trace",
    "write_trace",
]
