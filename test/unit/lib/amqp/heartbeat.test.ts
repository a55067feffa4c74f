import { withHeartbeat } from '../../../../lib/amqp/heartbeat';
import { HEARTBEAT_SECONDS } from '../../../../src/amqp/rabbit-connector';

describe('withHeartbeat', () => {
  it('asks for the consumer\'s 15 s heartbeat in the URL, where amqplib reads it', () => {
    expect(withHeartbeat('amqp://guest:guest@localhost:5672', HEARTBEAT_SECONDS)).toBe('amqp://guest:guest@localhost:5672?heartbeat=15');
  });

  it('keeps the vhost, other parameters, and a heartbeat the operator chose', () => {
    expect(withHeartbeat('amqps://u:p@mq.example:5671/%2Fprod?frameMax=0', 15)).toBe(
      'amqps://u:p@mq.example:5671/%2Fprod?frameMax=0&heartbeat=15',
    );
    expect(withHeartbeat('amqp://mq.example?heartbeat=5', 30)).toBe('amqp://mq.example?heartbeat=5');
  });
});
