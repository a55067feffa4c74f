/**
 * The MyMONIT adapter SDK: publish measures to the MyMONIT exchange with confirms. See README.md.
 */
export { BufferFullError, PublisherClosedError } from './errors';
export { PermanentConnectError } from '../../lib/amqp/connect-failure';
export type { InvalidMeasure, Measure } from './measure';
export { findUpwards } from '../../lib/find-upwards';
export { MeasureValidator } from './measure-validator';
export {
  MeasurePublisher,
  type PublishOutcome,
  type PublisherLogger,
  type PublisherOptions,
  type PublisherStats,
  type SerializedMessage,
} from './publisher';
