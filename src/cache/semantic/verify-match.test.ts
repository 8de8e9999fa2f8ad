import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type VerifierVerdict, verifyMatch } from './verify-match.js';

function reasonOf(query: string, candidate: string): string {
  const verdict: VerifierVerdict = verifyMatch({ query, candidate });
  return verdict.accept ? 'accept' : verdict.reason;
}

describe('verifyMatch', () => {
  it('accepts rewordings that keep every content word, number, name and polarity', () => {
    assert.equal(reasonOf('How can I lose weight fast?', 'how do I lose weight fast'), 'accept');
    assert.equal(
      reasonOf('What is the best book for building self-esteem?', 'Which is the best book for building self esteem?'),
      'accept',
    );
    assert.equal(reasonOf('Where can I buy cheap phones?', 'Where can I buy a cheap phone'), 'accept');
  });

  it('by default rejects a question whose frame changed in more than two function words', () => {
    assert.equal(
      reasonOf('What do birds build their nests with?', 'How do birds build their nests?'),
      'function-words-differ',
    );
    assert.equal(reasonOf('Where can I buy cheap phones?', 'Where do I buy a cheap phone'), 'function-words-differ');
    assert.equal(
      verifyMatch(
        { query: 'Where can I buy cheap phones?', candidate: 'Where do I buy a cheap phone' },
        { maxFunctionWordChanges: 3 },
      ).accept,
      true,
    );
  });

  it('by default rejects a question that adds or swaps a content word, and allows it when configured', () => {
    const narrower = {
      query: 'Why do people like dangerously spicy food?',
      candidate: 'Why do people like spicy food?',
    };
    const verdict = verifyMatch(narrower);
    assert.equal(verdict.accept ? 'accept' : verdict.reason, 'extra-words');
    const paraphrase = {
      query: 'How do I learn Python quickly?',
      candidate: 'What is the quickest way to learn Python?',
    };
    assert.equal(verifyMatch(paraphrase).accept, false);
    assert.equal(
      verifyMatch(paraphrase, { maxExtraWords: 1, maxFunctionWordChanges: Number.POSITIVE_INFINITY }).accept,
      true,
    );
  });

  it('rejects when numbers or quantities differ', () => {
    assert.equal(reasonOf('What is 15% of 200?', 'What is 15% of 300?'), 'numbers-differ');
    assert.equal(reasonOf('Best phones under 20000 rupees', 'Best phones under 30000 rupees'), 'numbers-differ');
    assert.equal(reasonOf('Can I use a 4g SIM in my phone?', 'Can I use a 3g SIM in my phone?'), 'numbers-differ');
    assert.equal(reasonOf('What are three ways to save money?', 'What are five ways to save money?'), 'numbers-differ');
  });

  it('rejects when one side is negated', () => {
    assert.equal(reasonOf('Why is my laptop charging?', 'Why is my laptop not charging?'), 'negation-differs');
    assert.equal(reasonOf("Why doesn't my code compile?", 'Why does my code compile?'), 'negation-differs');
  });

  it('rejects when named entities differ', () => {
    assert.equal(reasonOf('What is the capital of France?', 'What is the capital of Germany?'), 'entities-differ');
    assert.equal(reasonOf('Cheap flights from Paris to Rome', 'Cheap flights from Paris to Lisbon'), 'entities-differ');
  });

  it('accepts the same entity written in another case', () => {
    assert.equal(reasonOf('How do I install Ubuntu on a laptop?', 'how do i install ubuntu on a laptop'), 'accept');
  });

  it('rejects when the kind of question changes', () => {
    assert.equal(
      reasonOf('Why did the Roman Empire fall?', 'When did the Roman Empire fall?'),
      'question-type-differs',
    );
    assert.equal(reasonOf('Who invented the telephone?', 'Where was the telephone invented?'), 'question-type-differs');
  });

  it('rejects when comparatives or superlatives differ', () => {
    assert.equal(
      reasonOf('What is the best laptop for students?', 'What is the worst laptop for students?'),
      'comparison-differs',
    );
    assert.equal(
      reasonOf('Which is the cheapest way to travel in Europe?', 'Which is the fastest way to travel in Europe?'),
      'comparison-differs',
    );
  });

  it('rejects when units or dates differ', () => {
    assert.equal(
      reasonOf('How many calories in 100 grams of rice?', 'How many calories in 100 ounces of rice?'),
      'units-differ',
    );
    assert.equal(
      reasonOf('What is the weather in London on Monday?', 'What is the weather in London on Friday?'),
      'dates-differ',
    );
  });

  it('rejects near neighbours that share too few content words, and can switch a check off', () => {
    const unrelated = {
      query: 'How do I cook rice in a pressure cooker?',
      candidate: 'How do I repair a cracked phone screen?',
    };
    const lenient = verifyMatch(unrelated, { maxExtraWords: Number.POSITIVE_INFINITY });
    assert.equal(lenient.accept ? 'accept' : lenient.reason, 'low-overlap');
    const verdict = verifyMatch(
      { query: 'What is the capital of France?', candidate: 'What is the capital of Germany?' },
      { disabled: ['entities-differ', 'overlap', 'extra-words'] },
    );
    assert.equal(verdict.accept, true);
  });

  it('explains a rejection', () => {
    const verdict = verifyMatch({ query: 'Flights in 2024', candidate: 'Flights in 2025' });
    assert.equal(verdict.accept, false);
    assert.match(verdict.accept ? '' : verdict.detail, /2024.*2025/);
  });

  it('rejects the same two entities in swapped roles, but not in a symmetric comparison', () => {
    assert.equal(
      reasonOf('What do people in Denver think of Seattle?', 'What do people in Seattle think of Denver?'),
      'entities-differ',
    );
    assert.equal(
      reasonOf('Is it safe to drive from Texas to California?', 'Is it safe to drive from California to Texas?'),
      'entities-differ',
    );
    assert.equal(
      reasonOf(
        'What are the differences between GitHub and Bitbucket?',
        'What are the differences between Bitbucket and GitHub?',
      ),
      'accept',
    );
  });

  it('rejects two words that trade roles, lower-case nouns too, but lets neighbours swap', () => {
    assert.equal(
      reasonOf('Can science ever disprove the existence of god?', 'Can god ever disprove the existence of science?'),
      'roles-swapped',
    );
    assert.equal(
      reasonOf('Why do cats chase dogs in cartoons?', 'Why do dogs chase cats in cartoons?'),
      'roles-swapped',
    );
    assert.equal(
      reasonOf('What is the best diet for muscle building?', 'What is the best diet for building muscle?'),
      'accept',
    );
    assert.equal(
      reasonOf(
        'What is the difference between science and religion?',
        'What is the difference between religion and science?',
      ),
      'accept',
    );
  });

  it('rejects a negation that moved to another word', () => {
    assert.equal(
      reasonOf(
        'Is it possible to not have mental illness and be insane?',
        'Is it possible to have mental illness and not be insane?',
      ),
      'negation-differs',
    );
  });

  it('tells programming terms apart that a word tokenizer would merge', () => {
    assert.equal(
      reasonOf('What is the difference between C++ and Java?', 'What is the difference between C# and Java?'),
      'entities-differ',
    );
  });

  it('does not match prompts that point at context outside themselves', () => {
    assert.equal(reasonOf('What is the name of this plant?', 'What is the name of the plant?'), 'context-dependent');
    assert.equal(
      reasonOf('What is the song in the link below?', 'What song is in the link below?'),
      'context-dependent',
    );
  });

  it('does not match by meaning a prompt with a single content word', () => {
    assert.equal(reasonOf('What is money?', 'What is money for?'), 'too-short');
  });

  it('treats words that name Object members as plain words', () => {
    assert.equal(
      reasonOf('What does a constructor do in JavaScript?', 'what does a constructor do in javascript'),
      'accept',
    );
    assert.equal(
      reasonOf('Why is toString slow in my loop code?', 'Why is valueOf slow in my loop code?'),
      'extra-words',
    );
  });
});
