/**
 * The running sidecar: a Kafka-protocol proxy on Netty that translates the records of routed
 * topics on the way through. The layering is one-way: {@code proxy} uses {@code dev.rosetta.config}
 * (routes) and {@code dev.rosetta.translators} (registry, translators); neither knows of sockets.
 *
 * <h2>Packages</h2>
 * <ul>
 *   <li>{@code net}: sockets and connections, no Kafka semantics beyond frames and correlation.</li>
 *   <li>{@code protocol}: reading and writing Kafka messages, and the filter contract
 *       ({@code RequestFilter}, {@code ResponseFilter}, {@code FilterResult}); address rewriting.</li>
 *   <li>{@code translate}: the filters that translate Fetch and Produce records, and their parts.</li>
 *   <li>{@code admin}, {@code cli}, {@code embedded}, {@code metrics}: the admin API, the command
 *       line, the in-process broker and registry of the demo, and the connection meters.</li>
 * </ul>
 *
 * <h2>A record's walk</h2>
 * A consumer's fetch, from the client socket and back:
 * <ol>
 *   <li>{@code net.KafkaFrameDecoder} cuts the client's bytes into frames (size limit enforced,
 *       with a hint for a TLS client on a plaintext port).</li>
 *   <li>{@code net.ClientConnection#channelRead} reads the header without decoding it
 *       ({@code net.RequestHeaderReader}). A request no {@code protocol.RequestFilter} needs goes
 *       upstream as the bytes read; the others become a {@code net.PendingRequest}, run their
 *       filters (e.g. {@code translate.ProduceTranslator} for a produce to a routed topic) and
 *       leave in order ({@code net.InOrder}). Each request that expects an answer is remembered in
 *       {@code net.Correlations}. The upstream channel was opened by {@code net.TcpUpstreamConnector}
 *       on the same event loop.</li>
 *   <li>The broker's response arrives at {@code net.UpstreamHandler} and
 *       {@code ClientConnection#onResponse}, which pairs it with its request. A response no
 *       {@code protocol.ResponseFilter} needs is written back as it came; the others become a
 *       {@code net.PendingResponse} and go through the filters: {@code protocol.ApiVersionsIntersection},
 *       {@code protocol.BrokerAddressRewriter}, {@code translate.TopicNames} (topic ids),
 *       {@code translate.FetchTranslator}.</li>
 *   <li>{@code FetchTranslator} asks the route table ({@code translate.ConnectionRouting}) what
 *       this client reads, and hands each routed partition to {@code translate.PartitionJobs}: on
 *       the event loop for small responses, on the translation workers for large ones. A filter
 *       that has to wait (workers busy, a translator still compiling, an unknown topic id) answers
 *       {@code FilterResult.deferUntil}; the connection holds the response, and every later one,
 *       and resumes at that filter when the wait is over.</li>
 *   <li>{@code translate.PartitionRewriter} walks the partition's batches ({@code translate.BatchCodec}
 *       decodes and re-encodes them with per-thread buffers): per record, the schema id, the version
 *       the route decides for this client and record, the cached translator
 *       ({@code dev.rosetta.translators.TranslatorCache}), the new bytes (kept in a per-thread
 *       arena until the batch is rebuilt); batches with nothing to change keep their bytes;
 *       failures follow the route's policy ({@code translate.DeadLetters}). Rebuilt batches go
 *       straight into the partition's new records, a pooled buffer ({@code net.FrameBuffers}) that
 *       the exchange holds ({@code releaseWhenDone}) until the message is encoded; on the fetch
 *       path in the listener's {@code fetchCodec}, and served from {@code translate.RebuiltBatches}
 *       when another reader had them rebuilt already (if that cache is on).</li>
 *   <li>With every filter done, a changed response is encoded once ({@code protocol.KafkaMessages})
 *       and written to the client in request order; backpressure
 *       ({@code ClientConnection#updateBackpressure}) stops reading from one side while the other
 *       cannot keep up or a message is held.</li>
 * </ol>
 * A produce walks the same way in the other direction: {@code ProduceTranslator} rewrites the
 * request's partitions to the version the topic stores before they reach the broker.
 */
package dev.rosetta.proxy;
