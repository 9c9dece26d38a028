// Container ids (64 hex, shown as 12) and Docker-style generated names.
import { crypto } from '../util/builtin.js';

export const newId = (): string => crypto().randomBytes(32).toString('hex');
export const shortId = (id: string): string => id.slice(0, 12);

const adjectives = `admiring adoring affectionate agitated amazing angry awesome beautiful blissful bold boring brave
busy charming clever compassionate competent condescending confident cool cranky crazy dazzling determined distracted
dreamy eager ecstatic elastic elated elegant eloquent epic exciting fervent festive flamboyant focused friendly
frosty funny gallant gifted goofy gracious great happy hardcore heuristic hopeful hungry infallible inspiring
intelligent interesting jolly jovial keen kind laughing loving lucid magical modest musing mystifying naughty
nervous nice nifty nostalgic objective optimistic peaceful pedantic pensive practical priceless quirky quizzical
recursing relaxed reverent romantic sad serene sharp silly sleepy stoic strange stupefied suspicious sweet tender
thirsty trusting unruffled upbeat vibrant vigilant vigorous wizardly wonderful xenodochial youthful zealous zen`.split(/\s+/);

const nouns = `agnesi albattani allen almeida antonelli archimedes ardinghelli aryabhata austin babbage banach
bardeen bartik bassi beaver bell benz bhabha bhaskara black blackburn blackwell bohr booth borg bose bouman boyd
brahmagupta brattain brown buck burnell cannon carson cartwright carver cerf chandrasekhar chaplygin chatelet
chatterjee chaum chebyshev clarke cohen colden cori cray curie curran darwin davinci dewdney dhawan diffie dijkstra
dirac driscoll dubinsky easley edison einstein elbakyan elgamal elion ellis engelbart euclid euler faraday feistel
fermat fermi feynman franklin gagarin galileo galois ganguly gates gauss germain goldberg goldstine goldwasser
golick goodall gould greider grothendieck haibt hamilton haslett hawking heisenberg hellman hermann herschel hertz
heyrovsky hodgkin hofstadter hoover hopper hugle hypatia ishizaka jackson jang jemison jennings jepsen johnson
joliot jones kalam kapitsa kare keldysh keller kepler khayyam khorana kilby kirch knuth kowalevski lalande lamarr
lamport leakey leavitt lederberg lehmann lewin lichterman liskov lovelace lumiere mahavira margulis matsumoto
maxwell mayer mccarthy mcclintock mclaren mclean mcnulty meitner mendel mendeleev meninsky merkle mestorf mirzakhani
montalcini moore morse moser murdock napier nash neumann newton nightingale nobel noether northcutt noyce panini
pare pascal pasteur payne perlman pike poincare poitras proskuriakova ptolemy raman ramanujan rhodes ride ritchie
robinson roentgen rosalind rubin saha sammet sanderson satoshi shamir shannon shaw shirley shockley shtern sinoussi
snyder solomon spence stonebraker sutherland swanson swartz swirles taussig tesla tharp thompson torvalds tu turing
varahamihira vaughan villani visvesvaraya volhard wescoff wilbur wiles williams williamson wilson wing wozniak
wright wu yalow yonath zhukovsky`.split(/\s+/);

function pick<T>(xs: readonly T[]): T {
  return xs[crypto().randomBytes(2).readUInt16LE(0) % xs.length]!;
}

/** adjective_noun; after a clash the caller retries, and from the third try a digit is added. */
export function generateName(attempt = 0): string {
  const base = `${pick(adjectives)}_${pick(nouns)}`;
  return attempt >= 2 ? `${base}${crypto().randomBytes(1).readUInt8(0) % 10}` : base;
}

export const validName = (n: string): boolean => /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(n) && n.length <= 128;
