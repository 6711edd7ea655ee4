'use strict';
// Runs in every integration test worker: kafkajs retries (coordinator moves, concurrent
// transactions) are expected here and would drown the test output.
process.env.QF_KAFKA_LOG_LEVEL ??= 'nothing';
