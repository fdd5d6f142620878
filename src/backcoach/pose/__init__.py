"""Pose from pixels: video files and frames in, ``PoseFrame`` out (the only place using MediaPipe / OpenCV).

``open_video`` reads a video with OpenCV, ``PoseEstimator`` runs MediaPipe Pose on a frame,
``AnnotatedVideoWriter`` draws the skeleton, counts and cues onto a copy of the video.
"""

from __future__ import annotations

from backcoach.pose.annotate import AnnotatedVideoWriter, Overlay
from backcoach.pose.estimator import PoseEstimator
from backcoach.pose.video import VideoError, VideoInfo, VideoReader, open_video, probe_video

__all__ = [
    "AnnotatedVideoWriter",
    "Overlay",
    "PoseEstimator",
    "VideoError",
    "VideoInfo",
    "VideoReader",
    "open_video",
    "probe_video",
]
