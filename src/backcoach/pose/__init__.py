"""Pose from pixels: video files and frames in, ``PoseFrame`` out (the only place using MediaPipe / OpenCV).

``open_video`` reads a video with OpenCV, ``PoseEstimator`` runs MediaPipe Pose on a frame,
``EstimatorPool`` shares a few estimators between live cameras, ``AnnotatedVideoWriter`` draws the
skeleton, counts and cues onto a copy of the video, and ``task_model`` builds the browser's model.
"""

from __future__ import annotations

from backcoach.pose.annotate import AnnotatedVideoWriter, Overlay
from backcoach.pose.estimator import PoseEstimator
from backcoach.pose.pool import EstimatorPool
from backcoach.pose.video import VideoError, VideoInfo, VideoReader, open_video, probe_video

__all__ = [
    "AnnotatedVideoWriter",
    "EstimatorPool",
    "Overlay",
    "PoseEstimator",
    "VideoError",
    "VideoInfo",
    "VideoReader",
    "open_video",
    "probe_video",
]
