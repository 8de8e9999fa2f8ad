import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCacheable } from './is-cacheable.js';

function reasonOf(text: string, patterns: RegExp[] = []): string {
  const verdict = isCacheable(text, patterns);
  return verdict.cacheable ? 'cacheable' : verdict.reason;
}

describe('isCacheable', () => {
  it('lets ordinary questions through, numbers included', () => {
    assert.equal(reasonOf('How do I make sourdough bread?'), 'cacheable');
    assert.equal(reasonOf('What is 1234567 squared, and is 4111 prime?'), 'cacheable');
    assert.equal(reasonOf('Explain the 2008 financial crisis in 300 words'), 'cacheable');
  });

  it('rejects email addresses', () => {
    assert.equal(reasonOf('Draft a reply to john.smith+billing@corp.example.co.uk'), 'email');
  });

  it('rejects card numbers that pass the Luhn check, but not other long digit runs', () => {
    assert.equal(reasonOf('My card is 4111 1111 1111 1111, why was it declined?'), 'card-number');
    assert.equal(reasonOf('Charge 5500-0000-0000-0004 please'), 'card-number');
    assert.equal(reasonOf('Order number 4111 1111 1111 1112 has not arrived'), 'cacheable');
  });

  it('rejects API keys, AWS keys and private keys', () => {
    assert.equal(reasonOf('Why does sk-proj-abcdefghijklmnopqrstuvwxyz123456 fail?'), 'api-key');
    assert.equal(reasonOf('key: sk-ant-api03-abcdefghijklmnopqrstuvwx'), 'api-key');
    assert.equal(reasonOf('token ghp_abcdefghijklmnopqrstuvwxyz0123456789'), 'api-key');
    assert.equal(reasonOf('My access key is AKIAIOSFODNN7EXAMPLE'), 'aws-key');
    assert.equal(reasonOf('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'), 'aws-key');
    assert.equal(reasonOf('-----BEGIN RSA PRIVATE KEY-----\nMIIE...'), 'private-key');
  });

  it('rejects phone numbers and valid IBANs', () => {
    assert.equal(reasonOf('Call me on +44 20 7946 0958 tomorrow'), 'phone-number');
    assert.equal(reasonOf('My number is (415) 555-2671'), 'phone-number');
    assert.equal(reasonOf('Pay to GB82 WEST 1234 5698 7654 32 today'), 'iban');
    assert.equal(reasonOf('Pay to DE89370400440532013000'), 'iban');
    assert.equal(reasonOf('Reference GB00 WEST 1234 5698 7654 32'), 'cacheable');
  });

  it('applies configured patterns, even global ones, on every call', () => {
    const patterns = [/patient id \d+/gi];
    assert.equal(reasonOf('Summarise the file of patient id 829', patterns), 'custom-pattern');
    assert.equal(reasonOf('Summarise the file of patient id 829', patterns), 'custom-pattern');
    assert.equal(reasonOf('Summarise the file', patterns), 'cacheable');
  });
});
