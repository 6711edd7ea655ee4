package dev.questfleet.mongo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.h2.mvstore.MVMap;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;

/**
 * {@link BsonCollection} with three query-planning shortcuts; results are identical to the plain collection.
 *
 * <ol>
 * <li><b>_id equality plus more conditions</b> ({@code {_id: x, version: {$lt: v}}}, the version-guarded
 * upsert and the optimistic-concurrency update): mongo-java-server uses an index only when the filter has
 * exactly the index's keys, so these filters scanned the whole collection (O(documents) per write). Here
 * the candidates come from the {@code _id} index ({@code {_id: x}}) and the complete filter is then applied
 * to them, as the plain code does after an index lookup.</li>
 * <li><b>sort + limit on exactly the keys of a non-unique index</b> (the leaderboard): read the documents in
 * index order until enough match ({@link QfSecondaryIndex}).</li>
 * <li><b>any other sort + limit</b>: instead of sorting every matching document, keep the best
 * {@code skip + limit} in a bounded heap (ties broken by encounter order, so the outcome equals the first
 * rows of the stable full sort), then let the plain code sort, skip, limit and project those.</li>
 * </ol>
 */
final class QfH2Collection extends BsonCollection {

    private static final String ID = "_id";
    /** Rows (skip + limit) a sort keeps in memory before it falls back to the plain full sort. */
    private static final int MAX_KEPT = 10_000;

    private final List<QfSecondaryIndex> sortableIndexes = new CopyOnWriteArrayList<>();

    QfH2Collection(MongoDatabase database, String collectionName, CollectionOptions options,
                   MVMap<Object, byte[]> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursorRegistry) {
        super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                         Document fieldSelector) {
        if (query != null && query.size() > 1 && query.containsKey(ID) && isPlainEquality(query.get(ID))) {
            // All documents the full filter can match share this _id: narrow through the _id index first.
            QueryResult candidates = super.queryDocuments(new Document(ID, query.get(ID)), null, 0, 0, 0, null);
            Stream<Document> stream = StreamSupport.stream(candidates.spliterator(), false);
            return matchDocumentsFromStream(stream, query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
        if (orderBy != null && !orderBy.isEmpty() && limit > 0 && (long) Math.max(0, numberToSkip) + limit <= MAX_KEPT) {
            for (QfSecondaryIndex index : sortableIndexes) {
                if (index.sortsLike(orderBy)) {
                    QueryResult result = queryInIndexOrder(index, query, orderBy, numberToSkip, limit, batchSize,
                        fieldSelector);
                    if (result != null) {
                        return result;
                    }
                }
            }
        }
        return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    /**
     * Reads documents in the order of an index whose keys are exactly the sort, until skip + limit of them
     * match; null when a document holds an array in a sort field (Mongo sorts it by one of its elements,
     * which the index order does not give), so the caller sorts the usual way.
     */
    private QueryResult queryInIndexOrder(QfSecondaryIndex index, Document query, Document orderBy, int numberToSkip,
                                          int limit, int batchSize, Document fieldSelector) {
        int wanted = Math.max(0, numberToSkip) + limit;
        List<Document> rows = new ArrayList<>();
        Set<Object> seen = new HashSet<>();
        Iterator<Object> positions = index.positionsInOrder();
        while (positions.hasNext() && rows.size() < wanted) {
            Object position = positions.next();
            if (!seen.add(Missing.ofNullable(position))) {
                continue;
            }
            Document document = getDocument(position);
            if (document == null) {
                continue;
            }
            for (String field : orderBy.keySet()) {
                if (Utils.getSubdocumentValue(document, field) instanceof Collection) {
                    return null;
                }
            }
            if (documentMatchesQuery(document, query)) {
                rows.add(document);
            }
        }
        // Already in order: the plain code sorts the few rows again (stable), skips, limits and projects.
        return matchDocumentsFromStream(rows.stream(), query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    @Override
    public void addIndex(Index<Object> index) {
        super.addIndex(index);
        // The collection keeps the first index of a name; a later one of the same name is not used.
        if (index instanceof QfSecondaryIndex
            && sortableIndexes.stream().noneMatch(known -> known.getName().equals(index.getName()))) {
            sortableIndexes.add((QfSecondaryIndex) index);
        }
    }

    @Override
    public void dropIndex(String indexName) {
        super.dropIndex(indexName);
        sortableIndexes.removeIf(index -> index.getName().equals(indexName));
    }

    /** A literal value compared by equality: not an operator document, regular expression, array or null. */
    private static boolean isPlainEquality(Object value) {
        if (value == null || value instanceof Collection || value instanceof Object[]) {
            return false;
        }
        if (BsonRegularExpression.isRegularExpression(value) || value instanceof java.util.regex.Pattern) {
            return false;
        }
        if (value instanceof Document) {
            // {_id: {$in: [...]}} etc. are operators; an embedded-document _id is compared as a whole.
            return ((Document) value).keySet().stream().noneMatch(key -> key.startsWith("$"));
        }
        return !(value instanceof Map);
    }

    @Override
    protected QueryResult matchDocumentsFromStream(Document query, Stream<Document> documentStream,
                                                   int numberToSkip, int limit, int batchSize,
                                                   Comparator<Document> documentComparator,
                                                   Document fieldSelector) {
        if (documentComparator == null || limit <= 0) {
            return super.matchDocumentsFromStream(query, documentStream, numberToSkip, limit, batchSize,
                documentComparator, fieldSelector);
        }
        long keepLong = (long) Math.max(0, numberToSkip) + limit;
        if (keepLong > MAX_KEPT) {
            return super.matchDocumentsFromStream(query, documentStream, numberToSkip, limit, batchSize,
                documentComparator, fieldSelector);
        }
        int keep = (int) keepLong;
        // Max-heap on (sort key, encounter order): the root is the worst row kept so far.
        Comparator<Ranked> order = Comparator.<Ranked, Document>comparing(r -> r.document, documentComparator)
            .thenComparingLong(r -> r.sequence);
        PriorityQueue<Ranked> heap = new PriorityQueue<>(keep + 1, order.reversed());
        long[] sequence = {0};
        documentStream
            .filter(document -> documentMatchesQuery(document, query))
            .forEach(document -> {
                Ranked ranked = new Ranked(document, sequence[0]++);
                if (heap.size() < keep) {
                    heap.add(ranked);
                } else if (order.compare(ranked, heap.peek()) < 0) {
                    heap.poll();
                    heap.add(ranked);
                }
            });
        // Hand the kept rows back in encounter order: the plain (stable) sort then yields exactly what the
        // full sort would have put first; it also applies skip, limit and the projection.
        List<Ranked> kept = new ArrayList<>(heap);
        kept.sort(Comparator.comparingLong(r -> r.sequence));
        return super.matchDocumentsFromStream(query, kept.stream().map(r -> r.document), numberToSkip, limit,
            batchSize, documentComparator, fieldSelector);
    }

    private static final class Ranked {
        final Document document;
        final long sequence;

        Ranked(Document document, long sequence) {
            this.document = document;
            this.sequence = sequence;
        }
    }
}
