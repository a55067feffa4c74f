import { redactedUrl, withHeartbeat } from '../../../src/amqp/rabbit-connector';

describe('withHeartbeat', () => {
  it('asks for a 15 s heartbeat in the URL, where amqplib reads it', () => {
    expect(withHeartbeat('amqp://guest:guest@localhost:5672')).toBe('amqp://guest:guest@localhost:5672?heartbeat=15');
  });

  it('keeps the vhost, other parameters, and a heartbeat the operator chose', () => {
    expect(withHeartbeat('amqps://u:p@mq.example:5671/%2Fprod?frameMax=0')).toBe(
      'amqps://u:p@mq.example:5671/%2Fprod?frameMax=0&heartbeat=15',
    );
    expect(withHeartbeat('amqp://mq.example?heartbeat=5')).toBe('amqp://mq.example?heartbeat=5');
  });
});

describe('redactedUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactedUrl('amqp://guest:s3cret@mq.example:5672/vh')).toBe('amqp://guest:***@mq.example:5672/vh');
    expect(redactedUrl('amqp://mq.example')).toBe('amqp://mq.example');
  });
});
