"""Reads a run's TensorBoard event files with TensorBoard's own reader (its EventAccumulator, which
TensorBoard's scalar dashboard is built on) and prints every scalar as JSON:
{tag: [[step, value], ...]}. Used by test/tensorboard.test.ts to prove that the event files the
study writes are ones TensorBoard loads."""
import json
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator, SCALARS

accumulator = EventAccumulator(sys.argv[1], size_guidance={SCALARS: 0})
accumulator.Reload()
scalars = {tag: [[event.step, event.value] for event in accumulator.Scalars(tag)] for tag in accumulator.Tags()[SCALARS]}
print(json.dumps(scalars))
