/**
 * The write-side ports run over two backends with the same engine-free indexer, worker and job
 * steps (tests/helpers/search-target-contract.ts): today's packed engine publishing snapshot
 * parts through the table store's manifest, and the MiniSearch reference backend publishing
 * versions to a shelf of its own (tests/helpers/minisearch-target.ts), as a cluster would.
 */
import { packedPreparation, snapshotTargets } from '../../lib/search/snapshot-target.ts';
import { defaultIndexOptions } from '../../lib/search/snapshots.ts';
import { tokenizeInterview } from '../../lib/search/tokens.ts';
import { MiniSearchShelf, miniSearchTargets } from '../helpers/minisearch-target.ts';
import { searchTargetContract } from '../helpers/search-target-contract.ts';

const indexOptions = defaultIndexOptions();

searchTargetContract('the packed engine, published as snapshot parts', {
  targets: (store) => snapshotTargets(store, { indexOptions }),
  // The tokens a worker would make for the index (mode as the index segments: hybrid).
  prepare: (interview) => packedPreparation({ tokens: tokenizeInterview(interview, 'hybrid') }),
});

searchTargetContract('the MiniSearch reference backend, published to a shelf', {
  targets: () => miniSearchTargets(new MiniSearchShelf()),
});
