import { redactedUrl } from '../../../src/amqp/rabbit-connector';

describe('redactedUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactedUrl('amqp://guest:s3cret@mq.example:5672/vh')).toBe('amqp://guest:***@mq.example:5672/vh');
    expect(redactedUrl('amqp://mq.example')).toBe('amqp://mq.example');
  });
});
