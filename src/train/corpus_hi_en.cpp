// corpus_hi_en.cpp: the romanized Hindi -> English grammar around seed 003's example
// "mai ghar ja raha hoon" -> "i am going home". Hindi is subject-object-verb with the auxiliary
// last; English is subject-verb-object, so the alignment crosses (ghar <-> home moves from second to
// last, hoon <-> am from last to second). Not a transliteration standard: one simple ASCII spelling.
// Test: tests/unit/test_corpus.cpp. Documentation with counts: assets/data/README.md.
//
// Sentence = subject + [object or destination] + [nahin] + verb + aspect + auxiliary:
//  - progressive: stem + raha/rahi/rahe + hoon/ho/hai/hain -> "am/is/are (not) <verb>ing"
//  - habitual: stem + ta/ti/te + auxiliary -> "<verb>(s)"; negative: nahin + stem + ta/ti/te with the
//    auxiliary dropped (as Hindi usually does) -> "don't/doesn't <verb>".
//  - raha/ta: masculine singular, rahi/ti: feminine (singular and plural), rahe/te: masculine plural
//    and the polite tum/aap. So "vah" is "he" with raha/ta and "she" with rahi/ti: the English is
//    always a function of the Hindi (mai, tum, aap may be either gender; the English is the same).
//  - Hindi has no articles: each object has one English rendering per aspect, e.g. seb is "an apple"
//    in the progressive ("i am eating an apple") and "apples" in the habitual ("i eat apples").
#include "train/corpus_grammar.h"

#include "train/corpus_sampling.h"

#include <stdexcept>

namespace attn::corpus {
namespace {

enum EnglishPerson { kFirst, kThird, kOther };  // am + base, is + 3sg, are + base
enum Agreement { kMascSingular, kFeminine, kMascPlural };  // raha/ta, rahi/ti, rahe/te

struct HindiSubject {
    const char* hi;
    const char* en;
    const char* auxiliary;  // hoon, ho, hai, hain
    Agreement agreement;
    EnglishPerson person;
};

// clang-format off
const HindiSubject kSubjects[] = {
    {"mai", "i", "hoon", kMascSingular, kFirst},
    {"mai", "i", "hoon", kFeminine, kFirst},
    {"tum", "you", "ho", kMascPlural, kOther},
    {"tum", "you", "ho", kFeminine, kOther},
    {"aap", "you", "hain", kMascPlural, kOther},
    {"aap", "you", "hain", kFeminine, kOther},
    {"vah", "he", "hai", kMascSingular, kThird},
    {"vah", "she", "hai", kFeminine, kThird},
    {"hum", "we", "hain", kMascPlural, kOther},
    {"ve", "they", "hain", kMascPlural, kOther},
    {"ve", "they", "hain", kFeminine, kOther},
    {"ladka", "the boy", "hai", kMascSingular, kThird},
    {"ladki", "the girl", "hai", kFeminine, kThird},
    {"ladke", "the boys", "hain", kMascPlural, kOther},
    {"ladkiyan", "the girls", "hain", kFeminine, kOther},
    {"mera bhai", "my brother", "hai", kMascSingular, kThird},
    {"meri behen", "my sister", "hai", kFeminine, kThird},
    {"mere dost", "my friends", "hain", kMascPlural, kOther},
    {"bachche", "the children", "hain", kMascPlural, kOther},
};

struct HindiObject {
    const char* hi;
    const char* en_progressive;  // "an apple"
    const char* en_habitual;     // "apples"
};

const HindiObject kObjects[] = {
    {"khana", "food", "food"},        {"seb", "an apple", "apples"},     {"roti", "bread", "bread"},
    {"chawal", "rice", "rice"},       {"aam", "a mango", "mangoes"},     {"kela", "a banana", "bananas"},
    {"phal", "fruit", "fruit"},       {"paani", "water", "water"},       {"chai", "tea", "tea"},
    {"doodh", "milk", "milk"},        {"coffee", "coffee", "coffee"},    {"kitaab", "a book", "books"},
    {"akhbaar", "the newspaper", "the newspaper"}, {"khat", "a letter", "letters"}, {"kahani", "a story", "stories"},
    {"film", "a movie", "movies"},    {"tv", "tv", "tv"},                {"cricket", "cricket", "cricket"},
    {"football", "football", "football"}, {"kapde", "clothes", "clothes"}, {"gaana", "a song", "songs"},
    {"sangeet", "music", "music"},    {"radio", "the radio", "the radio"},
};

struct HindiPlace {
    const char* hi;
    const char* en;  // after go/come
};
const HindiPlace kPlaces[] = {
    {"ghar", "home"}, {"school", "to school"}, {"bazaar", "to the market"}, {"daftar", "to the office"},
    {"dukaan", "to the shop"}, {"mandir", "to the temple"}, {"park", "to the park"}, {"station", "to the station"},
};

struct HindiVerb {
    const char* stem;      // before raha/rahi/rahe
    const char* habitual;  // before ta/ti/te
    const char* en_base;
    const char* en_3sg;
    const char* en_ing;
    const char* objects;   // space-separated kObjects entries; "PLACE" for a destination; nullptr: none
    bool needs_complement; // never without an object or destination
};

const HindiVerb kHindiVerbs[] = {
    {"ja", "ja", "go", "goes", "going", "PLACE", true},
    {"aa", "aa", "come", "comes", "coming", "PLACE", true},
    {"kha", "kha", "eat", "eats", "eating", "khana seb roti chawal aam kela phal", false},
    {"pi", "pee", "drink", "drinks", "drinking", "paani chai doodh coffee", true},
    {"padh", "padh", "read", "reads", "reading", "kitaab akhbaar khat kahani", false},
    {"likh", "likh", "write", "writes", "writing", "khat kahani kitaab", false},
    {"dekh", "dekh", "watch", "watches", "watching", "film tv cricket", true},
    {"khel", "khel", "play", "plays", "playing", "cricket football", false},
    {"bana", "bana", "make", "makes", "making", "khana chai roti", true},
    {"kharid", "kharid", "buy", "buys", "buying", "seb kitaab kapde phal doodh aam kela", true},
    {"sun", "sun", "listen to", "listens to", "listening to", "gaana sangeet radio", true},
    {"so", "so", "sleep", "sleeps", "sleeping", nullptr, false},
    {"kaam kar", "kaam kar", "work", "works", "working", nullptr, false},
    {"daud", "daud", "run", "runs", "running", nullptr, false},
    {"naach", "naach", "dance", "dances", "dancing", nullptr, false},
};
// clang-format on

const HindiObject& object_named(const std::string& hi) {
    for (const HindiObject& o : kObjects)
        if (hi == o.hi) return o;
    throw std::logic_error("grammar: unknown Hindi object '" + hi + "'");
}

bool hindi_template(Rng& rng, Words& hi, Words& en) {
    const HindiSubject& s = kSubjects[pick(rng, static_cast<int>(sizeof(kSubjects) / sizeof(kSubjects[0])))];
    const HindiVerb& v = kHindiVerbs[pick(rng, static_cast<int>(sizeof(kHindiVerbs) / sizeof(kHindiVerbs[0])))];
    const bool progressive = chance(rng, 55), negative = chance(rng, 25);

    // the complement: a destination, an object, or nothing
    Words hi_complement, en_complement;
    if (v.objects && std::string(v.objects) == "PLACE") {
        const HindiPlace& p = kPlaces[pick(rng, static_cast<int>(sizeof(kPlaces) / sizeof(kPlaces[0])))];
        add(hi_complement, p.hi);
        add(en_complement, p.en);
    } else if (v.objects && (v.needs_complement || chance(rng, 75))) {
        Words names;
        add(names, v.objects);
        const HindiObject& o = object_named(names[static_cast<std::size_t>(pick(rng, static_cast<int>(names.size())))]);
        add(hi_complement, o.hi);
        add(en_complement, progressive ? o.en_progressive : o.en_habitual);
    }

    // Hindi: subject complement [nahin] verb aspect [auxiliary]
    add(hi, s.hi);
    add(hi, hi_complement);
    if (negative) hi.push_back("nahin");
    static const char* const kRaha[] = {"raha", "rahi", "rahe"};
    static const char* const kTa[] = {"ta", "ti", "te"};
    if (progressive) {
        add(hi, v.stem);
        hi.push_back(kRaha[s.agreement]);
        hi.push_back(s.auxiliary);
    } else {
        Words stem;
        add(stem, v.habitual);
        stem.back() += kTa[s.agreement];  // "kaam kar" -> "kaam karta"
        add(hi, stem);
        if (!negative) hi.push_back(s.auxiliary);
    }

    // English: subject verb-group complement
    add(en, s.en);
    if (progressive) {
        static const char* const kBe[] = {"am", "is", "are"};
        static const char* const kBeNot[] = {"am not", "isn't", "aren't"};
        add(en, negative ? kBeNot[s.person] : kBe[s.person]);
        add(en, v.en_ing);
    } else if (negative) {
        en.push_back(s.person == kThird ? "doesn't" : "don't");
        add(en, v.en_base);
    } else {
        add(en, s.person == kThird ? v.en_3sg : v.en_base);
    }
    add(en, en_complement);
    return true;
}

}  // namespace

std::vector<Pair> hi_en_required_pairs() { return {{"mai ghar ja raha hoon", "i am going home"}}; }

std::vector<Pair> generate_hi_en() {
    Sampler s(kHiEnSeed);
    s.require(hi_en_required_pairs()[0]);
    s.sample("hindi", static_cast<int>(kHiEnTotal), hindi_template);
    return s.pairs();
}

}  // namespace attn::corpus
