import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectTaskType, type TaskType } from './detect-task-type.js';

const EXAMPLES: readonly [string, TaskType][] = [
  [
    'Classify this support ticket into one of: billing, shipping, other.\nTicket: my card was charged twice',
    'classification',
  ],
  [
    'Extract all the person names and dates from the text below and return JSON.\nText: Ada met Bob on 3 May.',
    'extraction',
  ],
  ['What is the sentiment of this review? "The battery died after two days."', 'sentiment'],
  ['Translate into French: the meeting is moved to Tuesday.', 'translation'],
  ['Summarize the following article in three sentences: The city council voted…', 'summarisation'],
  ['Write a Python function to count inversions in an array.', 'code'],
  ['Explain why the sky is blue and compare it with why sunsets are red, step by step.', 'open-reasoning'],
  ['Hi there! How are you today?', 'chat'],
];

describe('detectTaskType', () => {
  for (const [text, expected] of EXAMPLES) {
    it(`detects ${expected}`, () => {
      const detection = detectTaskType(text);
      assert.equal(detection.taskType, expected, JSON.stringify(detection.evidence));
      assert.ok(detection.confidence > 0.4 && detection.confidence <= 1, `confidence ${detection.confidence}`);
    });
  }

  it('falls back to chat with low confidence when there is no cue', () => {
    const detection = detectTaskType('blue whale');
    assert.equal(detection.taskType, 'chat');
    assert.ok(detection.confidence < 0.5);
  });

  it('is less confident when cues of several types compete', () => {
    const clear = detectTaskType('Translate into German: good morning.').confidence;
    const mixed = detectTaskType(
      'Translate this Python function into JavaScript and explain why it is faster.',
    ).confidence;
    assert.ok(mixed < clear);
  });
});
