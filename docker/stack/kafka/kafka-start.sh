#!/bin/bash
# A single-node KRaft broker (broker and controller in one process) for the local stack. Settings come from
# the environment; the data folder is formatted on first start and kept on later ones.
set -euo pipefail
host=${KAFKA_HOST:-127.0.0.1}
port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
data=${KAFKA_DATA_DIR:-/var/lib/kafka/data}
config=/tmp/server.properties
cat > "$config" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$host:$controller_port
listeners=PLAINTEXT://$host:$port,CONTROLLER://$host:$controller_port
advertised.listeners=PLAINTEXT://$host:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data
num.partitions=${KAFKA_NUM_PARTITIONS:-3}
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
classpath='/opt/kafka/libs/*'
java -cp "$classpath" -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties kafka.tools.StorageTool \
  format --ignore-formatted --cluster-id "${KAFKA_CLUSTER_ID:-cm9zZXR0YS1sb2NhbC1zdA}" --config "$config"
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} -XX:+ExitOnOutOfMemoryError \
  -Dlog4j2.configurationFile=/opt/kafka/log4j2.properties -cp "$classpath" kafka.Kafka "$config"
