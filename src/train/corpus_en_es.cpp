// corpus_en_es.cpp: the English -> Spanish grammar. Short, compositional sentences (templates x
// lexicon) whose Spanish is a deterministic function of the English, chosen so that tiny models can
// learn it and the attention pictures are interesting: adjectives after nouns with gender and number
// agreement ("the red houses" -> "las casas rojas"), object pronouns before the verb ("i see her" ->
// "la veo"), dropped subject pronouns, "a" before people and animals with a + el -> al, gustar's
// inverted construction ("the boy likes cats" -> "al niño le gustan los gatos"), verb-subject order in
// questions ("what does the boy eat ?" -> "¿ qué come el niño ?").
// Not a translator: one fixed rendering per English sentence, and only what the templates make.
// Test: tests/unit/test_corpus.cpp. Documentation with counts: assets/data/README.md.
//
// Fixed choices that keep every target a function of its source:
//  - "you" is always tú (singular, informal); "your" is tu/tus; "his", "her", "their" are su/sus.
//  - Subject pronouns are dropped (Spanish marks the person on the verb).
//  - An unknown gender (i, you, we, they) takes the masculine: "we are tired" -> "estamos cansados";
//    "them" -> "los"; "friend", "teacher", "doctor", "neighbor", "baby" are masculine.
//  - English simple present and present progressive both become the Spanish present:
//    "i eat" and "i am eating" -> "como"; negation "don't", "doesn't", "isn't", "aren't", "am not" -> "no".
//  - "a" marks a person or animal object of every verb except tener ("i see the dog" -> "veo al perro",
//    "i have a dog" -> "tengo un perro").
//  - Ser or estar comes from the adjective: colours, size, age, price, character take ser; states
//    (tired, sad, happy, sick, clean, dirty, cold, hot) and every location take estar.
//  - An English bare noun after "like" takes the Spanish definite article ("i like milk" -> "me gusta la
//    leche"); elsewhere bare nouns stay bare ("i drink milk" -> "bebo leche").
//  - "on" -> sobre, "in", "at" -> en, "under" -> debajo de, "near" -> cerca de, "behind" -> detrás de;
//    "home" -> "a casa" after go, "at home" -> "en casa".
//  - "let's" + verb -> the first person plural subjunctive ("let's eat" -> "comamos"), except
//    "let's go" -> "vamos" (StatQuest).
#include "train/corpus_grammar.h"

#include "train/corpus_sampling.h"

#include <stdexcept>

namespace attn::corpus {
namespace {

enum Gender { kMasc = 0, kFem = 1 };

// Noun tags: what a noun is, what can be done with it and where things can be.
enum : unsigned {
    kPerson = 1u << 0,
    kAnimal = 1u << 1,
    kThing = 1u << 2,
    kFood = 1u << 3,
    kDrink = 1u << 4,
    kPlace = 1u << 5,
    kMass = 1u << 6,  // no plural, no "a"
    kKin = 1u << 7,   // people one "has": brother, sister, friend
    kReadable = 1u << 8,
    kWritable = 1u << 9,
    kOpenable = 1u << 10,
    kWashable = 1u << 11,
    kPaintable = 1u << 12,
    kCookable = 1u << 13,
    kCarryable = 1u << 14,  // small enough to carry, bring, be on a table or in a box
    kAudible = 1u << 15,
    kVehicle = 1u << 16,    // one waits for it
    kSurface = 1u << 17,    // "on the ..."
    kContainer = 1u << 18,  // "in the ..."
    kCover = 1u << 19,      // "under the ..."
    kLandmark = 1u << 20,   // "near the ...", "behind the ..."
    kBird = 1u << 21,       // sings
    kDish = 1u << 22,       // served hot or cold
    kRelation = 1u << 23,   // people who are someone's: "my friend", "her doctor" (not "his women")
};
constexpr unsigned kAnimate = kPerson | kAnimal;

struct Noun {
    const char* en;
    const char* en_plural;  // nullptr: no plural used (mass nouns and places)
    const char* es;
    const char* es_plural;
    Gender gender;
    unsigned tags;
    const char* place_preposition;  // English "in"/"at"/"on" for "<prep> the <place>"; nullptr if not a place
};

// clang-format off
const Noun kNouns[] = {
    // people
    {"man", "men", "hombre", "hombres", kMasc, kPerson, nullptr},
    {"woman", "women", "mujer", "mujeres", kFem, kPerson, nullptr},
    {"boy", "boys", "niño", "niños", kMasc, kPerson, nullptr},
    {"girl", "girls", "niña", "niñas", kFem, kPerson, nullptr},
    {"friend", "friends", "amigo", "amigos", kMasc, kPerson | kRelation | kKin, nullptr},
    {"teacher", "teachers", "maestro", "maestros", kMasc, kPerson | kRelation, nullptr},
    {"doctor", "doctors", "médico", "médicos", kMasc, kPerson | kRelation, nullptr},
    {"brother", "brothers", "hermano", "hermanos", kMasc, kPerson | kRelation | kKin, nullptr},
    {"sister", "sisters", "hermana", "hermanas", kFem, kPerson | kRelation | kKin, nullptr},
    {"mother", "mothers", "madre", "madres", kFem, kPerson | kRelation, nullptr},
    {"father", "fathers", "padre", "padres", kMasc, kPerson | kRelation, nullptr},
    {"baby", "babies", "bebé", "bebés", kMasc, kPerson | kRelation, nullptr},
    {"neighbor", "neighbors", "vecino", "vecinos", kMasc, kPerson | kRelation, nullptr},
    // animals
    {"dog", "dogs", "perro", "perros", kMasc, kAnimal | kWashable, nullptr},
    {"cat", "cats", "gato", "gatos", kMasc, kAnimal | kWashable, nullptr},
    {"horse", "horses", "caballo", "caballos", kMasc, kAnimal | kWashable, nullptr},
    {"bird", "birds", "pájaro", "pájaros", kMasc, kAnimal | kBird, nullptr},
    {"cow", "cows", "vaca", "vacas", kFem, kAnimal, nullptr},
    {"mouse", "mice", "ratón", "ratones", kMasc, kAnimal, nullptr},
    {"duck", "ducks", "pato", "patos", kMasc, kAnimal, nullptr},
    // things
    {"car", "cars", "coche", "coches", kMasc, kThing | kWashable | kPaintable | kContainer | kCover | kLandmark, nullptr},
    {"book", "books", "libro", "libros", kMasc, kThing | kReadable | kWritable | kOpenable | kCarryable, nullptr},
    {"table", "tables", "mesa", "mesas", kFem, kThing | kWashable | kPaintable | kSurface | kCover, nullptr},
    {"chair", "chairs", "silla", "sillas", kFem, kThing | kPaintable | kSurface | kCover | kCarryable, nullptr},
    {"door", "doors", "puerta", "puertas", kFem, kThing | kOpenable | kPaintable | kLandmark, nullptr},
    {"window", "windows", "ventana", "ventanas", kFem, kThing | kOpenable | kWashable | kLandmark, nullptr},
    {"bed", "beds", "cama", "camas", kFem, kThing | kSurface | kCover, nullptr},
    {"ball", "balls", "pelota", "pelotas", kFem, kThing | kCarryable, nullptr},
    {"hat", "hats", "sombrero", "sombreros", kMasc, kThing | kCarryable, nullptr},
    {"shirt", "shirts", "camisa", "camisas", kFem, kThing | kWashable | kCarryable, nullptr},
    {"shoe", "shoes", "zapato", "zapatos", kMasc, kThing | kWashable | kCarryable, nullptr},
    {"letter", "letters", "carta", "cartas", kFem, kThing | kReadable | kWritable | kOpenable | kCarryable, nullptr},
    {"key", "keys", "llave", "llaves", kFem, kThing | kCarryable, nullptr},
    {"cup", "cups", "taza", "tazas", kFem, kThing | kWashable | kCarryable, nullptr},
    {"box", "boxes", "caja", "cajas", kFem, kThing | kOpenable | kPaintable | kCarryable | kSurface | kContainer, nullptr},
    {"pencil", "pencils", "lápiz", "lápices", kMasc, kThing | kCarryable, nullptr},
    {"flower", "flowers", "flor", "flores", kFem, kThing | kCarryable, nullptr},
    {"tree", "trees", "árbol", "árboles", kMasc, kThing | kCover | kLandmark, nullptr},
    {"phone", "phones", "teléfono", "teléfonos", kMasc, kThing | kCarryable | kAudible, nullptr},
    {"bicycle", "bicycles", "bicicleta", "bicicletas", kFem, kThing | kWashable | kPaintable | kLandmark, nullptr},
    {"boat", "boats", "barco", "barcos", kMasc, kThing | kPaintable | kVehicle | kLandmark, nullptr},
    {"train", "trains", "tren", "trenes", kMasc, kThing | kVehicle | kAudible, nullptr},
    {"clock", "clocks", "reloj", "relojes", kMasc, kThing | kAudible | kCarryable, nullptr},
    {"bag", "bags", "bolsa", "bolsas", kFem, kThing | kCarryable | kOpenable | kContainer, nullptr},
    {"house", "houses", "casa", "casas", kFem, kThing | kPaintable | kContainer | kLandmark | kPlace, "in"},
    // food and drink
    {"apple", "apples", "manzana", "manzanas", kFem, kFood, nullptr},
    {"cake", "cakes", "pastel", "pasteles", kMasc, kFood, nullptr},
    {"egg", "eggs", "huevo", "huevos", kMasc, kFood | kCookable | kDish, nullptr},
    {"banana", "bananas", "plátano", "plátanos", kMasc, kFood, nullptr},
    {"bread", nullptr, "pan", nullptr, kMasc, kFood | kMass, nullptr},
    {"rice", nullptr, "arroz", nullptr, kMasc, kFood | kMass | kCookable | kDish, nullptr},
    {"cheese", nullptr, "queso", nullptr, kMasc, kFood | kMass, nullptr},
    {"soup", nullptr, "sopa", nullptr, kFem, kFood | kMass | kCookable | kDish, nullptr},
    {"meat", nullptr, "carne", nullptr, kFem, kFood | kMass | kCookable | kDish, nullptr},
    {"milk", nullptr, "leche", nullptr, kFem, kDrink | kMass | kDish, nullptr},
    {"coffee", nullptr, "café", nullptr, kMasc, kDrink | kMass | kDish, nullptr},
    {"juice", nullptr, "jugo", nullptr, kMasc, kDrink | kMass | kDish, nullptr},
    {"tea", nullptr, "té", nullptr, kMasc, kDrink | kMass | kDish, nullptr},
    // places
    {"park", nullptr, "parque", nullptr, kMasc, kPlace | kLandmark, "in"},
    {"beach", nullptr, "playa", nullptr, kFem, kPlace, "on"},
    {"school", nullptr, "escuela", nullptr, kFem, kPlace | kLandmark, "at"},
    {"store", nullptr, "tienda", nullptr, kFem, kPlace | kLandmark, "at"},
    {"market", nullptr, "mercado", nullptr, kMasc, kPlace, "at"},
    {"library", nullptr, "biblioteca", nullptr, kFem, kPlace | kLandmark, "at"},
    {"office", nullptr, "oficina", nullptr, kFem, kPlace, "at"},
    {"hospital", nullptr, "hospital", nullptr, kMasc, kPlace | kLandmark, "at"},
    {"station", nullptr, "estación", nullptr, kFem, kPlace | kLandmark, "at"},
    {"river", nullptr, "río", nullptr, kMasc, kPlace, "in"},
    {"city", nullptr, "ciudad", nullptr, kFem, kPlace, "in"},
    {"church", nullptr, "iglesia", nullptr, kFem, kPlace | kLandmark, "at"},
    {"garden", nullptr, "jardín", nullptr, kMasc, kPlace, "in"},
    {"kitchen", nullptr, "cocina", nullptr, kFem, kPlace, "in"},
};

struct Adjective {
    const char* en;
    const char* es[2][2];  // [gender][plural]
    bool estar;            // predicative use takes estar (a state), else ser
    unsigned applies_to;   // noun tags it can describe
};

const Adjective kAdjectives[] = {
    {"red", {{"rojo", "rojos"}, {"roja", "rojas"}}, false, kThing},
    {"white", {{"blanco", "blancos"}, {"blanca", "blancas"}}, false, kThing | kAnimal},
    {"black", {{"negro", "negros"}, {"negra", "negras"}}, false, kThing | kAnimal},
    {"green", {{"verde", "verdes"}, {"verde", "verdes"}}, false, kThing},
    {"blue", {{"azul", "azules"}, {"azul", "azules"}}, false, kThing},
    {"yellow", {{"amarillo", "amarillos"}, {"amarilla", "amarillas"}}, false, kThing},
    {"brown", {{"marrón", "marrones"}, {"marrón", "marrones"}}, false, kThing | kAnimal},
    {"new", {{"nuevo", "nuevos"}, {"nueva", "nuevas"}}, false, kThing | kPlace},
    {"old", {{"viejo", "viejos"}, {"vieja", "viejas"}}, false, kThing | kPlace | kPerson | kAnimal},
    {"small", {{"pequeño", "pequeños"}, {"pequeña", "pequeñas"}}, false, kThing | kPlace | kAnimal},
    {"big", {{"grande", "grandes"}, {"grande", "grandes"}}, false, kThing | kPlace | kAnimal | kPerson},
    {"tall", {{"alto", "altos"}, {"alta", "altas"}}, false, kPerson},
    {"pretty", {{"bonito", "bonitos"}, {"bonita", "bonitas"}}, false, kThing | kPlace | kAnimal},
    {"expensive", {{"caro", "caros"}, {"cara", "caras"}}, false, kThing | kFood},
    {"cheap", {{"barato", "baratos"}, {"barata", "baratas"}}, false, kThing | kFood},
    {"young", {{"joven", "jóvenes"}, {"joven", "jóvenes"}}, false, kPerson | kAnimal},
    {"strong", {{"fuerte", "fuertes"}, {"fuerte", "fuertes"}}, false, kPerson | kAnimal},
    {"intelligent", {{"inteligente", "inteligentes"}, {"inteligente", "inteligentes"}}, false, kPerson | kAnimal},
    {"clean", {{"limpio", "limpios"}, {"limpia", "limpias"}}, true, kThing | kPlace | kAnimal},
    {"dirty", {{"sucio", "sucios"}, {"sucia", "sucias"}}, true, kThing | kPlace | kAnimal},
    {"cold", {{"frío", "fríos"}, {"fría", "frías"}}, true, kDish},
    {"hot", {{"caliente", "calientes"}, {"caliente", "calientes"}}, true, kDish},
    {"tired", {{"cansado", "cansados"}, {"cansada", "cansadas"}}, true, kAnimate},
    {"sad", {{"triste", "tristes"}, {"triste", "tristes"}}, true, kAnimate},
    {"happy", {{"contento", "contentos"}, {"contenta", "contentas"}}, true, kAnimate},
    {"sick", {{"enfermo", "enfermos"}, {"enferma", "enfermas"}}, true, kAnimate},
};

// Persons as Spanish verb endings index them.
enum Person { kYo = 0, kTu = 1, kEl = 2, kNosotros = 3, kEllos = 4 };

struct Verb {
    const char* en_base;  // may be two words ("look for")
    const char* en_3sg;
    const char* en_ing;
    const char* es[5];    // present: yo, tú, él/ella, nosotros, ellos/ellas
    const char* es_infinitive;
    const char* es_lets;  // "let's ..." (first person plural subjunctive); nullptr: not used with let's
    unsigned objects;     // noun tags of possible objects; 0: intransitive only
    unsigned subjects;    // noun tags of possible subjects
    bool personal_a;      // "a" before a person or animal object
    bool progressive;     // has a natural English progressive ("is eating"); stative verbs do not
    bool intransitive;    // also used without an object
    bool what_question;   // "what do you ...?" is natural
    const char* places;   // intransitive use: where ("home" = "at home"); nullptr: nowhere
};

const Verb kVerbs[] = {
    {"see", "sees", "seeing", {"veo", "ves", "ve", "vemos", "ven"}, "ver", nullptr,
     kAnimate | kThing | kPlace, kAnimate, true, false, false, true, nullptr},
    {"have", "has", "having", {"tengo", "tienes", "tiene", "tenemos", "tienen"}, "tener", nullptr,
     kKin | kAnimal | kThing | kFood | kDrink, kPerson, false, false, false, true, nullptr},
    {"want", "wants", "wanting", {"quiero", "quieres", "quiere", "queremos", "quieren"}, "querer", nullptr,
     kThing | kFood | kDrink, kAnimate, false, false, false, true, nullptr},
    {"love", "loves", "loving", {"quiero", "quieres", "quiere", "queremos", "quieren"}, "querer", nullptr,
     kAnimate, kPerson, true, false, false, false, nullptr},
    {"need", "needs", "needing", {"necesito", "necesitas", "necesita", "necesitamos", "necesitan"}, "necesitar", nullptr,
     kThing | kFood | kDrink, kAnimate, false, false, false, true, nullptr},
    {"eat", "eats", "eating", {"como", "comes", "come", "comemos", "comen"}, "comer", "comamos",
     kFood, kAnimate, false, true, true, true, "kitchen home park"},
    {"drink", "drinks", "drinking", {"bebo", "bebes", "bebe", "bebemos", "beben"}, "beber", "bebamos",
     kDrink, kAnimate, false, true, false, true, nullptr},
    {"buy", "buys", "buying", {"compro", "compras", "compra", "compramos", "compran"}, "comprar", "compremos",
     kThing | kFood | kDrink, kPerson, false, true, false, true, nullptr},
    {"sell", "sells", "selling", {"vendo", "vendes", "vende", "vendemos", "venden"}, "vender", "vendamos",
     kThing | kFood | kDrink, kPerson, false, true, false, true, nullptr},
    {"read", "reads", "reading", {"leo", "lees", "lee", "leemos", "leen"}, "leer", "leamos",
     kReadable, kPerson, false, true, true, true, "library home park garden"},
    {"write", "writes", "writing", {"escribo", "escribes", "escribe", "escribimos", "escriben"}, "escribir", "escribamos",
     kWritable, kPerson, false, true, true, true, "office library home"},
    {"open", "opens", "opening", {"abro", "abres", "abre", "abrimos", "abren"}, "abrir", "abramos",
     kOpenable, kPerson, false, true, false, true, nullptr},
    {"close", "closes", "closing", {"cierro", "cierras", "cierra", "cerramos", "cierran"}, "cerrar", "cerremos",
     kOpenable, kPerson, false, true, false, true, nullptr},
    {"wash", "washes", "washing", {"lavo", "lavas", "lava", "lavamos", "lavan"}, "lavar", "lavemos",
     kWashable, kPerson, true, true, false, true, nullptr},
    {"find", "finds", "finding", {"encuentro", "encuentras", "encuentra", "encontramos", "encuentran"}, "encontrar", nullptr,
     kAnimate | kThing, kAnimate, true, false, false, true, nullptr},
    {"look for", "looks for", "looking for", {"busco", "buscas", "busca", "buscamos", "buscan"}, "buscar", "busquemos",
     kAnimate | kThing, kAnimate, true, true, false, true, nullptr},
    {"help", "helps", "helping", {"ayudo", "ayudas", "ayuda", "ayudamos", "ayudan"}, "ayudar", "ayudemos",
     kAnimate, kPerson, true, true, false, false, nullptr},
    {"call", "calls", "calling", {"llamo", "llamas", "llama", "llamamos", "llaman"}, "llamar", "llamemos",
     kAnimate, kPerson, true, true, false, false, nullptr},
    {"visit", "visits", "visiting", {"visito", "visitas", "visita", "visitamos", "visitan"}, "visitar", "visitemos",
     kPerson | kPlace, kPerson, true, true, false, false, nullptr},
    {"know", "knows", "knowing", {"conozco", "conoces", "conoce", "conocemos", "conocen"}, "conocer", nullptr,
     kPerson | kPlace, kPerson, true, false, false, false, nullptr},
    {"hear", "hears", "hearing", {"oigo", "oyes", "oye", "oímos", "oyen"}, "oír", nullptr,
     kAnimate | kAudible, kAnimate, true, false, false, false, nullptr},
    {"bring", "brings", "bringing", {"traigo", "traes", "trae", "traemos", "traen"}, "traer", "traigamos",
     kCarryable | kFood | kDrink, kPerson, false, true, false, true, nullptr},
    {"carry", "carries", "carrying", {"llevo", "llevas", "lleva", "llevamos", "llevan"}, "llevar", "llevemos",
     kCarryable, kAnimate, false, true, false, true, nullptr},
    {"cook", "cooks", "cooking", {"cocino", "cocinas", "cocina", "cocinamos", "cocinan"}, "cocinar", "cocinemos",
     kCookable, kPerson, false, true, true, true, "kitchen home"},
    {"paint", "paints", "painting", {"pinto", "pintas", "pinta", "pintamos", "pintan"}, "pintar", "pintemos",
     kPaintable, kPerson, false, true, true, true, "home garden park"},
    {"wait for", "waits for", "waiting for", {"espero", "esperas", "espera", "esperamos", "esperan"}, "esperar", "esperemos",
     kAnimate | kVehicle, kAnimate, true, true, false, true, nullptr},
    // intransitive only
    {"sleep", "sleeps", "sleeping", {"duermo", "duermes", "duerme", "dormimos", "duermen"}, "dormir", "durmamos",
     0, kAnimate, false, true, true, false, "home house"},
    {"run", "runs", "running", {"corro", "corres", "corre", "corremos", "corren"}, "correr", "corramos",
     0, kAnimate, false, true, true, false, "park beach garden"},
    {"walk", "walks", "walking", {"camino", "caminas", "camina", "caminamos", "caminan"}, "caminar", "caminemos",
     0, kAnimate, false, true, true, false, "park beach city garden"},
    {"swim", "swims", "swimming", {"nado", "nadas", "nada", "nadamos", "nadan"}, "nadar", "nademos",
     0, kAnimate, false, true, true, false, "river beach"},
    {"dance", "dances", "dancing", {"bailo", "bailas", "baila", "bailamos", "bailan"}, "bailar", "bailemos",
     0, kPerson, false, true, true, false, "park school home"},
    {"sing", "sings", "singing", {"canto", "cantas", "canta", "cantamos", "cantan"}, "cantar", "cantemos",
     0, kPerson | kBird, false, true, true, false, "church school park"},
    {"work", "works", "working", {"trabajo", "trabajas", "trabaja", "trabajamos", "trabajan"}, "trabajar", "trabajemos",
     0, kPerson, false, true, true, false, "office hospital school store market library home"},
    {"play", "plays", "playing", {"juego", "juegas", "juega", "jugamos", "juegan"}, "jugar", "juguemos",
     0, kAnimate, false, true, true, false, "park garden school home"},
};

const char* const kIr[5] = {"voy", "vas", "va", "vamos", "van"};
const char* const kSer[5] = {"soy", "eres", "es", "somos", "son"};
const char* const kEstar[5] = {"estoy", "estás", "está", "estamos", "están"};
const char* const kQuerer[5] = {"quiero", "quieres", "quiere", "queremos", "quieren"};
const char* const kNecesitar[5] = {"necesito", "necesitas", "necesita", "necesitamos", "necesitan"};
const char* const kDativeClitic[5] = {"me", "te", "le", "nos", "les"};  // gustar: "me gusta"

struct SubjectPronoun {
    const char* en;
    Person person;
    Gender gender;  // unknown gender -> masculine
};
const SubjectPronoun kSubjectPronouns[] = {
    {"i", kYo, kMasc}, {"you", kTu, kMasc}, {"he", kEl, kMasc}, {"she", kEl, kFem}, {"we", kNosotros, kMasc}, {"they", kEllos, kMasc},
};

struct ObjectPronoun {
    const char* en;
    const char* es;  // the clitic before the verb
    Person person;
};
const ObjectPronoun kObjectPronouns[] = {
    {"me", "me", kYo}, {"you", "te", kTu}, {"him", "lo", kEl}, {"her", "la", kEl}, {"us", "nos", kNosotros}, {"them", "los", kEllos},
};

struct Preposition {
    const char* en;
    const char* es;
    unsigned location_tags;  // nouns it can take
};
const Preposition kPrepositions[] = {
    {"on", "sobre", kSurface}, {"in", "en", kContainer}, {"under", "debajo de", kCover},
    {"near", "cerca de", kLandmark}, {"behind", "detrás de", kLandmark},
};
// clang-format on

// ---- noun phrases

enum class Det { The, A, Some, Two, Three, My, Your, His, Her, Our, Their, Bare };

enum class Role {
    Subject,     // the/possessive (+ two/three in the plural)
    Object,      // everything
    Indefinite,  // "there is": a, two, three, bare plural
    Liked,       // after "like": the/possessive/bare (bare gets the Spanish article)
    Place,       // a location or destination: the (possessive for a house)
};

struct NounPhrase {
    Words en, es;
    Gender gender = kMasc;
    bool plural = false;
    unsigned tags = 0;
};

const Noun& pick_noun(Rng& rng, unsigned any_of, unsigned none_of = 0) {
    std::vector<const Noun*> c;
    for (const Noun& n : kNouns)
        if ((n.tags & any_of) && !(n.tags & none_of)) c.push_back(&n);
    if (c.empty()) throw std::logic_error("grammar: no noun has the requested tags");
    return *c[static_cast<std::size_t>(pick(rng, static_cast<int>(c.size())))];
}

const Adjective* pick_adjective(Rng& rng, unsigned tags, const Adjective* except = nullptr) {
    std::vector<const Adjective*> c;
    for (const Adjective& a : kAdjectives)
        if ((a.applies_to & tags) && &a != except) c.push_back(&a);
    if (c.empty()) return nullptr;
    return c[static_cast<std::size_t>(pick(rng, static_cast<int>(c.size())))];
}

Det pick_any_possessive(Rng& rng) {
    static const Det kPossessives[] = {Det::My, Det::Your, Det::His, Det::Her, Det::Our, Det::Their};
    return kPossessives[pick(rng, 6)];
}

// Chooses determiner and number for a noun in a role.
Det pick_det(Rng& rng, const Noun& n, Role role, bool* plural) {
    const bool countable = n.en_plural != nullptr;
    const bool possessive_ok = !(n.tags & kPerson) || (n.tags & kRelation);
    auto pick_possessive = [&](Rng& r) { return possessive_ok ? pick_any_possessive(r) : Det::The; };
    *plural = countable && chance(rng, 45);
    if (n.tags & kPlace && !(n.tags & kThing)) {
        *plural = false;
        return Det::The;
    }
    const int r = pick(rng, 10);
    switch (role) {
        case Role::Subject:
            if (*plural && r == 0) return Det::Two;
            if (*plural && r == 1) return Det::Three;
            return r < 7 ? Det::The : pick_possessive(rng);
        case Role::Object:
            if (!countable) return r < 4 ? Det::The : r < 6 ? pick_possessive(rng) : Det::Bare;
            if (!*plural) return r < 5 ? Det::The : r < 8 ? Det::A : pick_possessive(rng);
            return r < 3 ? Det::The : r < 4 ? Det::Some : r < 5 ? Det::Two : r < 6 ? Det::Three : r < 8 ? pick_possessive(rng) : Det::Bare;
        case Role::Indefinite:
            if (!countable) return Det::Bare;
            if (!*plural) return Det::A;
            return r < 3 ? Det::Two : r < 6 ? Det::Three : Det::Bare;
        case Role::Liked:  // a bare singular would be "i like cup"
            if (r < 4 && (*plural || !countable)) return Det::Bare;
            return r < 7 ? Det::The : pick_possessive(rng);
        case Role::Place:
            *plural = false;
            return r < 7 ? Det::The : pick_possessive(rng);
    }
    return Det::The;
}

void add_english_det(Words& en, Det d, const std::string& next_word) {
    static const char* const kWords[] = {"the", nullptr, "some", "two", "three", "my", "your", "his", "her", "our", "their", nullptr};
    if (d == Det::A) {
        const char c = next_word.empty() ? 'x' : next_word[0];
        en.push_back(c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' ? "an" : "a");
    } else if (const char* w = kWords[static_cast<int>(d)]) {
        en.push_back(w);
    }
}

void add_spanish_det(Words& es, Det d, Gender g, bool plural) {
    const int i = g * 2 + (plural ? 1 : 0);  // ms, mp, fs, fp
    static const char* const kThe[] = {"el", "los", "la", "las"};
    static const char* const kA[] = {"un", "unos", "una", "unas"};
    static const char* const kOur[] = {"nuestro", "nuestros", "nuestra", "nuestras"};
    switch (d) {
        case Det::The: es.push_back(kThe[i]); break;
        case Det::A:
        case Det::Some: es.push_back(kA[i]); break;
        case Det::Two: es.push_back("dos"); break;
        case Det::Three: es.push_back("tres"); break;
        case Det::My: es.push_back(plural ? "mis" : "mi"); break;
        case Det::Your: es.push_back(plural ? "tus" : "tu"); break;
        case Det::His:
        case Det::Her:
        case Det::Their: es.push_back(plural ? "sus" : "su"); break;
        case Det::Our: es.push_back(kOur[i]); break;
        case Det::Bare: break;
    }
}

// "the red houses" -> "las casas rojas". spanish_bare_article: a bare English noun gets "el/la/los/las".
NounPhrase build_np(const Noun& n, Det d, bool plural, const Adjective* adj, bool spanish_bare_article = false) {
    NounPhrase np;
    np.gender = n.gender;
    np.plural = plural;
    np.tags = n.tags;
    const std::string noun_en = plural ? n.en_plural : n.en;
    add_english_det(np.en, d, adj ? adj->en : noun_en);
    if (adj) np.en.push_back(adj->en);
    np.en.push_back(noun_en);
    add_spanish_det(np.es, d == Det::Bare && spanish_bare_article ? Det::The : d, n.gender, plural);
    np.es.push_back(plural ? n.es_plural : n.es);
    if (adj) np.es.push_back(adj->es[n.gender][plural ? 1 : 0]);
    return np;
}

NounPhrase random_np(Rng& rng, const Noun& n, Role role, int adjective_percent) {
    bool plural = false;
    const Det d = pick_det(rng, n, role, &plural);
    const Adjective* adj = chance(rng, adjective_percent) ? pick_adjective(rng, n.tags) : nullptr;
    return build_np(n, d, plural, adj, role == Role::Liked);
}

// a + el -> al, de + el -> del (the only contractions of Spanish)
void contract(Words& es) {
    for (std::size_t i = 0; i + 1 < es.size(); ++i) {
        if (es[i + 1] != "el") continue;
        if (es[i] == "a" || es[i] == "de") {
            es[i] = es[i] == "a" ? "al" : "del";
            es.erase(es.begin() + static_cast<long>(i) + 1);
        }
    }
}

// ---- subjects

struct Subject {
    Words en, es;      // es is empty for a pronoun
    Words es_dative;   // gustar's experiencer: "a" + noun phrase; empty for a pronoun
    Person person = kYo;
    Gender gender = kMasc;
    bool plural = false;
    unsigned tags = kPerson;
    bool pronoun = false;
};

Subject noun_subject(const NounPhrase& np) {
    Subject s;
    s.en = np.en;
    s.es = np.es;
    s.es_dative = {"a"};
    add(s.es_dative, np.es);
    s.person = np.plural ? kEllos : kEl;
    s.gender = np.gender;
    s.plural = np.plural;
    s.tags = np.tags;
    return s;
}

Subject pronoun_subject(const SubjectPronoun& p) {
    Subject s;
    s.en = {p.en};
    s.person = p.person;
    s.gender = p.gender;
    s.plural = p.person == kNosotros || p.person == kEllos;
    s.tags = kPerson;
    s.pronoun = true;
    return s;
}

// A pronoun (when people may be subjects) or a noun phrase of a noun with one of `tags`.
Subject random_subject(Rng& rng, unsigned tags, int pronoun_percent = 40, int adjective_percent = 25) {
    if ((tags & kPerson) && chance(rng, pronoun_percent)) return pronoun_subject(kSubjectPronouns[pick(rng, 6)]);
    const Noun& n = pick_noun(rng, tags & (kAnimate | kBird));
    return noun_subject(random_np(rng, n, Role::Subject, adjective_percent));
}

// ---- verb forms

enum class Form { Simple, SimpleNegative, Progressive, ProgressiveNegative };

Form random_form(Rng& rng, bool progressive_ok) {
    const int r = pick(rng, 10);
    if (r < 5) return Form::Simple;
    if (r < 7) return Form::SimpleNegative;
    if (r < 9) return progressive_ok ? Form::Progressive : Form::Simple;
    return progressive_ok ? Form::ProgressiveNegative : Form::SimpleNegative;
}
bool negative(Form f) { return f == Form::SimpleNegative || f == Form::ProgressiveNegative; }

const char* english_be(Person p) { return p == kYo ? "am" : p == kEl ? "is" : "are"; }
const char* english_be_not(Person p) { return p == kYo ? "am not" : p == kEl ? "isn't" : "aren't"; }
const char* english_do_not(Person p) { return p == kEl ? "doesn't" : "don't"; }

// The English verb group: "eats", "doesn't eat", "is eating", "isn't eating".
void add_english_verb(Words& en, const char* base, const char* third, const char* ing, Person p, Form f) {
    switch (f) {
        case Form::Simple: add(en, p == kEl ? third : base); break;
        case Form::SimpleNegative: add(en, english_do_not(p)); add(en, base); break;
        case Form::Progressive: add(en, english_be(p)); add(en, ing); break;
        case Form::ProgressiveNegative: add(en, english_be_not(p)); add(en, ing); break;
    }
}

const Verb& pick_verb(Rng& rng, bool (*accept)(const Verb&)) {
    std::vector<const Verb*> c;
    for (const Verb& v : kVerbs)
        if (accept(v)) c.push_back(&v);
    return *c[static_cast<std::size_t>(pick(rng, static_cast<int>(c.size())))];
}

// The object of v as a noun phrase: nouns with one of v's object tags.
NounPhrase random_object(Rng& rng, const Verb& v, int adjective_percent = 35) {
    const Noun& n = pick_noun(rng, v.objects);
    return random_np(rng, n, Role::Object, adjective_percent);
}

void add_spanish_object(Words& es, const Verb& v, const NounPhrase& obj) {
    if (v.personal_a && (obj.tags & kAnimate)) es.push_back("a");
    add(es, obj.es);
}

// "to the park" / "home" after go; Spanish "a el parque" (contracted later) / "a casa".
void add_destination(Rng& rng, Words& en, Words& es) {
    if (chance(rng, 15)) {
        en.push_back("home");
        add(es, "a casa");
        return;
    }
    const NounPhrase place = random_np(rng, pick_noun(rng, kPlace), Role::Place, 10);
    en.push_back("to");
    add(en, place.en);
    es.push_back("a");
    add(es, place.es);
}

// "in the park" / "at home" for an intransitive verb's list of places.
void add_location(Rng& rng, const char* places, Words& en, Words& es) {
    Words names;
    add(names, places);
    const std::string name = names[static_cast<std::size_t>(pick(rng, static_cast<int>(names.size())))];
    if (name == "home") {
        add(en, "at home");
        add(es, "en casa");
        return;
    }
    for (const Noun& n : kNouns) {
        if (name != n.en) continue;
        en.push_back(n.place_preposition);
        add(en, build_np(n, Det::The, false, nullptr).en);
        es.push_back("en");
        add(es, build_np(n, Det::The, false, nullptr).es);
        return;
    }
    throw std::logic_error("grammar: unknown place '" + name + "'");
}

// A location for a person, animal or thing: "on the table", "near the school", "at home".
void add_position(Rng& rng, Words& en, Words& es, const std::string& avoid_noun) {
    const int r = pick(rng, 10);
    if (r == 0) {
        add(en, "at home");
        add(es, "en casa");
        return;
    }
    if (r < 4) {  // a place with its own preposition: "at the school" -> "en la escuela"
        const Noun& n = pick_noun(rng, kPlace);
        en.push_back(n.place_preposition);
        const NounPhrase np = random_np(rng, n, Role::Place, 10);
        add(en, np.en);
        es.push_back("en");
        add(es, np.es);
        return;
    }
    const Preposition& p = kPrepositions[pick(rng, 5)];
    const Noun& n = pick_noun(rng, p.location_tags);
    if (avoid_noun == n.en) {  // "the box is in the box"
        add(en, "at home");
        add(es, "en casa");
        return;
    }
    const NounPhrase np = random_np(rng, n, Role::Place, 15);
    add(en, p.en);
    add(en, np.en);
    add(es, p.es);
    add(es, np.es);
}

// ---- templates

// "the red house" -> "la casa roja": noun phrases with an adjective, the core of agreement.
bool noun_phrase_template(Rng& rng, Words& en, Words& es) {
    const Noun& n = pick_noun(rng, kAnimate | kThing | kFood | kDrink | kPlace);
    bool plural = false;
    const Det d = pick_det(rng, n, Role::Object, &plural);
    const Adjective* adj = pick_adjective(rng, n.tags);
    if (!adj) return false;
    const NounPhrase np = build_np(n, d, plural, adj, false);
    en = np.en;
    es = np.es;
    return true;
}

// subject + verb + object: "the tall girl sees the black dog" -> "la niña alta ve al perro negro".
bool transitive_template(Rng& rng, Words& en, Words& es) {
    const Verb& v = pick_verb(rng, [](const Verb& x) { return x.objects != 0; });
    const Subject s = random_subject(rng, v.subjects);
    const NounPhrase obj = random_object(rng, v);
    if (obj.en == s.en) return false;
    const Form f = random_form(rng, v.progressive);
    add(en, s.en);
    add_english_verb(en, v.en_base, v.en_3sg, v.en_ing, s.person, f);
    add(en, obj.en);
    add(es, s.es);
    if (negative(f)) es.push_back("no");
    es.push_back(v.es[s.person]);
    add_spanish_object(es, v, obj);
    contract(es);
    return true;
}

// object pronouns go before the verb: "i see her" -> "la veo", "the boy doesn't help us" -> "el niño no nos ayuda".
bool object_pronoun_template(Rng& rng, Words& en, Words& es) {
    const Verb& v = pick_verb(rng, [](const Verb& x) { return (x.objects & kPerson) != 0; });
    const Subject s = random_subject(rng, v.subjects, 50);
    const ObjectPronoun& o = kObjectPronouns[pick(rng, 6)];
    const bool first_s = s.person == kYo || s.person == kNosotros, first_o = o.person == kYo || o.person == kNosotros;
    if ((first_s && first_o) || (s.person == kTu && o.person == kTu)) return false;  // reflexive or odd
    const Form f = random_form(rng, v.progressive);
    add(en, s.en);
    add_english_verb(en, v.en_base, v.en_3sg, v.en_ing, s.person, f);
    en.push_back(o.en);
    add(es, s.es);
    if (negative(f)) es.push_back("no");
    es.push_back(o.es);
    es.push_back(v.es[s.person]);
    return true;
}

// subject + be + adjective, ser or estar by adjective: "the soup is cold" -> "la sopa está fría".
bool copula_template(Rng& rng, Words& en, Words& es) {
    Subject s;
    if (chance(rng, 35)) {
        s = pronoun_subject(kSubjectPronouns[pick(rng, 6)]);
    } else {
        const Noun& n = pick_noun(rng, kAnimate | kThing | kFood | kDrink | kPlace);
        bool plural = false;
        const Det d = pick_det(rng, n, Role::Subject, &plural);
        s = noun_subject(build_np(n, d, plural, nullptr));
    }
    const Adjective* adj = pick_adjective(rng, s.tags);
    if (!adj) return false;
    const bool neg = chance(rng, 25);
    add(en, s.en);
    add(en, neg ? english_be_not(s.person) : english_be(s.person));
    en.push_back(adj->en);
    add(es, s.es);
    if (neg) es.push_back("no");
    es.push_back(adj->estar ? kEstar[s.person] : kSer[s.person]);
    es.push_back(adj->es[s.gender][s.plural ? 1 : 0]);
    return true;
}

// where someone or something is: "the cat is under the bed" -> "el gato está debajo de la cama".
bool location_template(Rng& rng, Words& en, Words& es) {
    Subject s;
    std::string noun;
    if (chance(rng, 30)) {
        s = pronoun_subject(kSubjectPronouns[pick(rng, 6)]);
    } else {
        const Noun& n = pick_noun(rng, kAnimate | kCarryable);
        noun = n.en;
        s = noun_subject(random_np(rng, n, Role::Subject, 20));
    }
    const bool neg = chance(rng, 20);
    add(en, s.en);
    add(en, neg ? english_be_not(s.person) : english_be(s.person));
    add(es, s.es);
    if (neg) es.push_back("no");
    es.push_back(kEstar[s.person]);
    add_position(rng, en, es, noun);
    contract(es);
    return true;
}

// "there is a cat under the table" -> "hay un gato debajo de la mesa".
bool there_is_template(Rng& rng, Words& en, Words& es) {
    const Noun& n = pick_noun(rng, kAnimate | kCarryable, kMass);
    const NounPhrase np = random_np(rng, n, Role::Indefinite, 25);
    add(en, np.plural ? "there are" : "there is");
    add(en, np.en);
    es.push_back("hay");
    add(es, np.es);
    add_position(rng, en, es, n.en);
    contract(es);
    return true;
}

// "i am going home" -> "voy a casa", "the girls go to the beach" -> "las niñas van a la playa".
bool go_template(Rng& rng, Words& en, Words& es) {
    const Subject s = random_subject(rng, kPerson | kAnimal, 45, 20);
    const Form f = random_form(rng, true);
    add(en, s.en);
    add_english_verb(en, "go", "goes", "going", s.person, f);
    add(es, s.es);
    if (negative(f)) es.push_back("no");
    es.push_back(kIr[s.person]);
    add_destination(rng, en, es);
    contract(es);
    return true;
}

// "the dogs run in the park" -> "los perros corren en el parque".
bool intransitive_template(Rng& rng, Words& en, Words& es) {
    const Verb& v = pick_verb(rng, [](const Verb& x) { return x.intransitive; });
    const Subject s = random_subject(rng, v.subjects, 40, 20);
    const Form f = random_form(rng, v.progressive);
    add(en, s.en);
    add_english_verb(en, v.en_base, v.en_3sg, v.en_ing, s.person, f);
    add(es, s.es);
    if (negative(f)) es.push_back("no");
    es.push_back(v.es[s.person]);
    if (v.places && chance(rng, 60)) add_location(rng, v.places, en, es);
    return true;
}

// An infinitive phrase in both languages, after "to" (want/need/like/to templates):
// "read a book" -> "leer un libro", "go to the park" -> "ir al parque" (contracted by the caller).
void infinitive_phrase(Rng& rng, Words& en, Words& es, bool allow_go_alone) {
    const int r = pick(rng, 10);
    if (r < 2) {
        en.push_back("go");
        es.push_back("ir");
        if (!allow_go_alone || chance(rng, 75)) add_destination(rng, en, es);
        return;
    }
    const Verb& v = pick_verb(rng, [](const Verb& x) { return std::string(x.en_base) != "want" && std::string(x.en_base) != "need"; });
    add(en, v.en_base);
    es.push_back(v.es_infinitive);
    if (v.objects == 0 || (v.intransitive && chance(rng, 40))) return;
    const NounPhrase obj = random_object(rng, v, 25);
    add(en, obj.en);
    add_spanish_object(es, v, obj);
}

// gustar: the liked thing is the grammatical subject. "the boy likes cats" -> "al niño le gustan los gatos".
bool like_template(Rng& rng, Words& en, Words& es) {
    const Subject s = random_subject(rng, kPerson, 50, 15);
    const bool neg = chance(rng, 25);
    add(en, s.en);
    if (neg) {
        en.push_back(english_do_not(s.person));
        en.push_back("like");
    } else {
        en.push_back(s.person == kEl ? "likes" : "like");
    }
    add(es, s.es_dative);
    if (neg) es.push_back("no");
    es.push_back(kDativeClitic[s.person]);
    if (chance(rng, 30)) {
        en.push_back("to");
        es.push_back("gusta");
        infinitive_phrase(rng, en, es, true);
    } else {
        const Noun& n = pick_noun(rng, kAnimal | kThing | kFood | kDrink | kPlace);
        const NounPhrase obj = random_np(rng, n, Role::Liked, 20);
        add(en, obj.en);
        es.push_back(obj.plural ? "gustan" : "gusta");
        add(es, obj.es);
    }
    contract(es);
    return true;
}

// "she wants to go to the park" -> "quiere ir al parque"; "i don't need to sleep" -> "no necesito dormir".
bool want_to_template(Rng& rng, Words& en, Words& es) {
    const Subject s = random_subject(rng, kPerson, 50, 15);
    const bool want = chance(rng, 60), neg = chance(rng, 25);
    add(en, s.en);
    if (neg) {
        en.push_back(english_do_not(s.person));
        en.push_back(want ? "want" : "need");
    } else {
        en.push_back(s.person == kEl ? (want ? "wants" : "needs") : (want ? "want" : "need"));
    }
    en.push_back("to");
    add(es, s.es);
    if (neg) es.push_back("no");
    es.push_back(want ? kQuerer[s.person] : kNecesitar[s.person]);
    infinitive_phrase(rng, en, es, true);
    contract(es);
    return true;
}

// "where is the cat ?" -> "¿ dónde está el gato ?"; "what does the boy eat ?" -> "¿ qué come el niño ?".
bool question_template(Rng& rng, Words& en, Words& es) {
    if (chance(rng, 45)) {
        Subject s;
        if (chance(rng, 30)) {
            s = pronoun_subject(kSubjectPronouns[pick(rng, 6)]);
        } else {
            const Noun& n = pick_noun(rng, kAnimate | kCarryable | kPlace);
            bool plural = false;
            Det d = pick_det(rng, n, Role::Subject, &plural);
            if (d == Det::Two || d == Det::Three) d = Det::The;  // not "where are two houses ?"
            const Adjective* adj = chance(rng, 20) ? pick_adjective(rng, n.tags) : nullptr;
            s = noun_subject(build_np(n, d, plural, adj));
        }
        en.push_back("where");
        en.push_back(english_be(s.person));
        add(en, s.en);
        en.push_back("?");
        add(es, "¿ dónde");
        es.push_back(kEstar[s.person]);
        add(es, s.es);
        es.push_back("?");
        return true;
    }
    const Verb& v = pick_verb(rng, [](const Verb& x) { return x.what_question; });
    const Subject s = random_subject(rng, v.subjects, 45, 15);
    en.push_back("what");
    en.push_back(s.person == kEl ? "does" : "do");
    add(en, s.en);
    add(en, v.en_base);
    en.push_back("?");
    add(es, "¿ qué");
    es.push_back(v.es[s.person]);
    add(es, s.es);  // the subject follows the verb
    es.push_back("?");
    return true;
}

// "let's go" -> "vamos" (StatQuest), "let's go to the beach" -> "vamos a la playa", "let's eat" -> "comamos",
// "let's swim in the river" -> "nademos en el río".
bool lets_template(Rng& rng, Words& en, Words& es) {
    en.push_back("let's");
    const int r = pick(rng, 20);
    if (r == 0) {
        en.push_back("go");
        es.push_back("vamos");
        return true;
    }
    if (r < 6) {
        en.push_back("go");
        es.push_back("vamos");
        add_destination(rng, en, es);
        contract(es);
        return true;
    }
    const Verb& v = pick_verb(rng, [](const Verb& x) { return x.es_lets != nullptr; });
    add(en, v.en_base);
    es.push_back(v.es_lets);
    if (v.objects == 0 || (v.intransitive && chance(rng, 30))) {
        if (v.places && chance(rng, 70)) add_location(rng, v.places, en, es);  // "let's swim in the river"
        return true;
    }
    const NounPhrase obj = random_object(rng, v, 25);
    add(en, obj.en);
    add_spanish_object(es, v, obj);
    contract(es);
    return true;
}

// "to go" -> "ir" (StatQuest), "to read a book" -> "leer un libro".
bool to_template(Rng& rng, Words& en, Words& es) {
    en.push_back("to");
    infinitive_phrase(rng, en, es, true);
    contract(es);
    return true;
}

}  // namespace

std::vector<Pair> en_es_required_pairs() {
    return {
        {"let's go", "vamos"},
        {"to go", "ir"},
        {"the red house", "la casa roja"},
        {"the red houses", "las casas rojas"},
        {"the red car", "el coche rojo"},
        {"i see her", "la veo"},
    };
}

std::vector<Pair> generate_en_es() {
    Sampler s(kEnEsSeed);
    const std::vector<Pair> req = en_es_required_pairs();
    // Template quotas sum to kEnEsTotal = 8000. Each required pair is handed to the template that produces it.
    s.require(req[0]);
    s.sample("lets", 300, lets_template);
    s.require(req[1]);
    s.sample("to", 80, to_template);
    s.require(req[2]);
    s.require(req[3]);
    s.require(req[4]);
    s.sample("noun_phrase", 260, noun_phrase_template);
    s.sample("transitive", 1700, transitive_template);
    s.require(req[5]);
    s.sample("object_pronoun", 800, object_pronoun_template);
    s.sample("copula", 800, copula_template);
    s.sample("location", 600, location_template);
    s.sample("there_is", 460, there_is_template);
    s.sample("go", 600, go_template);
    s.sample("intransitive", 800, intransitive_template);
    s.sample("like", 700, like_template);
    s.sample("want_to", 500, want_to_template);
    s.sample("question", 400, question_template);
    if (s.pairs().size() != kEnEsTotal) throw std::logic_error("en-es: quotas do not add up to kEnEsTotal");
    return s.pairs();
}

}  // namespace attn::corpus
