#include "engine/state/journal.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>

namespace regmigrate::engine {
namespace {

using Kind = JournalRecord::Kind;

constexpr const char* digest =
    "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

JournalRecord blob_record() {
    return {Kind::blob, "dest.example:5000", "team/app", "", digest};
}

JournalRecord tag_record() {
    return {Kind::tag, "dest.example:5000", "team/app", "v1.2", digest};
}

JournalRecord created_record(std::string created = "1735776000") {
    return {.kind = Kind::created, .digest = digest, .created = std::move(created)};
}

// The encoded line without its '\n'.
std::string line_of(const JournalRecord& record) {
    std::string line = encode_journal_record(record).value();
    line.pop_back();
    return line;
}

SyncPlan plan_between(const std::string& source, const std::string& destination) {
    SyncPlan plan;
    SyncPair pair;
    pair.source.host = source;
    pair.destination.host = destination;
    plan.pairs.push_back(std::move(pair));
    return plan;
}

const JournalPlan plan = journal_plan(plan_between("src.example", "dest.example:5000"));

// --- codec ---

TEST(JournalCodec, BlobRecordIsOneLineEndingInNewline) {
    const std::string line = encode_journal_record(blob_record()).value();
    EXPECT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1);
    EXPECT_TRUE(line.starts_with("B dest.example:5000 team/app sha256:"));
}

TEST(JournalCodec, BlobRecordDecodesToItself) {
    EXPECT_EQ(decode_journal_record(line_of(blob_record())).value(), blob_record());
}

TEST(JournalCodec, TagRecordDecodesToItself) {
    EXPECT_EQ(decode_journal_record(line_of(tag_record())).value(), tag_record());
}

TEST(JournalCodec, CreatedRecordNamesOnlyTheDigestAndTheDate) {
    EXPECT_EQ(line_of(created_record()).substr(0, 85), std::string("C ") + digest + " 1735776000 ");
}

TEST(JournalCodec, CreatedRecordDecodesToItself) {
    EXPECT_EQ(decode_journal_record(line_of(created_record())).value(), created_record());
    EXPECT_EQ(decode_journal_record(line_of(created_record("-"))).value(), created_record("-"));
}

TEST(JournalCodec, CreatedRecordWithoutADateIsNotEncoded) {
    EXPECT_FALSE(encode_journal_record(created_record("")));
}

TEST(JournalCodec, TornLineIsRefused) {
    const std::string line = line_of(tag_record());
    for (std::size_t cut : {1u, 5u, 9u, 30u}) {
        EXPECT_FALSE(decode_journal_record(line.substr(0, line.size() - cut))) << cut;
    }
}

TEST(JournalCodec, LineWithAChangedByteFailsItsChecksum) {
    std::string line = line_of(blob_record());
    line[line.find("sha256:") + 10] ^= 1;
    const auto decoded = decode_journal_record(line);
    ASSERT_FALSE(decoded);
    EXPECT_NE(decoded.error().message.find("checksum"), std::string::npos);
}

TEST(JournalCodec, GarbageLinesAreRefused) {
    for (const char* garbage :
         {"", "B", "hello world", "X a b sha256:x 00000000", "B a b sha256:x 00000000",
          "B  b sha256:x 00000000", "\x01\x02\x03 \xff\xfe"}) {
        EXPECT_FALSE(decode_journal_record(garbage)) << garbage;
    }
}

TEST(JournalCodec, ZeroFilledLineIsRefused) {
    EXPECT_FALSE(decode_journal_record(std::string(200, '\0')));
}

TEST(JournalCodec, VeryLongLineIsRefusedBeforeParsing) {
    const std::string line = "B r " + std::string(1 << 20, 'a') + " sha256:x 00000000";
    const auto decoded = decode_journal_record(line);
    ASSERT_FALSE(decoded);
    EXPECT_NE(decoded.error().message.find("over 4096 bytes"), std::string::npos);
}

TEST(JournalCodec, RecordThatWouldMakeAVeryLongLineIsNotEncoded) {
    JournalRecord record = blob_record();
    record.repository = std::string(journal_max_line, 'a');
    const auto encoded = encode_journal_record(record);
    ASSERT_FALSE(encoded);
    EXPECT_EQ(encoded.error().kind, ErrorKind::invalid_argument);
}

TEST(JournalCodec, FieldWithASpaceIsNotEncoded) {
    JournalRecord record = tag_record();
    record.tag = "v1 2";
    EXPECT_FALSE(encode_journal_record(record));
}

TEST(JournalCodec, EmptyFieldIsNotEncoded) {
    JournalRecord record = blob_record();
    record.registry.clear();
    EXPECT_FALSE(encode_journal_record(record));
}

TEST(JournalCodec, HeaderDecodesToItsPlan) {
    std::string header = encode_journal_header(plan);
    header.pop_back();
    const auto decoded = decode_journal_header(header).value();
    EXPECT_EQ(decoded.id, plan.id);
    EXPECT_EQ(decoded.description, "src.example>dest.example:5000");
}

TEST(JournalCodec, RecordIsNotAHeader) {
    EXPECT_FALSE(decode_journal_header(line_of(blob_record())));
}

// --- plan identity ---

TEST(JournalPlanId, IsSixteenHexDigits) {
    EXPECT_EQ(plan.id.size(), 16u);
    EXPECT_EQ(plan.id.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(JournalPlanId, SamePairsGiveTheSameId) {
    EXPECT_EQ(journal_plan(plan_between("src.example", "dest.example:5000")).id, plan.id);
}

TEST(JournalPlanId, AnotherDestinationGivesAnotherId) {
    EXPECT_NE(journal_plan(plan_between("src.example", "dest.example:5001")).id, plan.id);
}

TEST(JournalPlanId, EachShardOfAPlanHasItsOwnId) {
    auto first = plan_between("src.example", "dest.example:5000");
    first.shard = Shard{0, 3};
    auto second = first;
    second.shard = Shard{1, 3};
    EXPECT_NE(journal_plan(first).id, plan.id);
    EXPECT_NE(journal_plan(first).id, journal_plan(second).id);
    std::string header = encode_journal_header(journal_plan(second));
    header.pop_back();
    EXPECT_EQ(decode_journal_header(header).value().description,
              "src.example>dest.example:5000@shard=1/3");
}

// --- parsing a whole file ---

std::string journal_text(const std::vector<JournalRecord>& records) {
    std::string text = encode_journal_header(plan);
    for (const auto& record : records)
        text += encode_journal_record(record).value();
    return text;
}

TEST(ParseJournal, EmptyTextIsAnEmptyJournalWithoutPlan) {
    const auto contents = parse_journal("").value();
    EXPECT_TRUE(contents.plan.id.empty());
    EXPECT_TRUE(contents.records.empty());
    EXPECT_EQ(contents.whole_bytes, 0u);
}

TEST(ParseJournal, TornHeaderIsAnEmptyJournal) {
    const std::string header = encode_journal_header(plan);
    const auto contents = parse_journal(header.substr(0, 10)).value();
    EXPECT_TRUE(contents.plan.id.empty());
    EXPECT_EQ(contents.whole_bytes, 0u);
}

TEST(ParseJournal, RecordsComeBackInOrder) {
    const auto contents = parse_journal(journal_text({blob_record(), tag_record()})).value();
    EXPECT_EQ(contents.plan.id, plan.id);
    EXPECT_EQ(contents.records, (std::vector<JournalRecord>{blob_record(), tag_record()}));
    EXPECT_EQ(contents.ignored_lines, 0u);
}

TEST(ParseJournal, TornLastLineIsIgnoredAndLeftOutOfTheWholeBytes) {
    const std::string whole = journal_text({blob_record()});
    const std::string torn = line_of(tag_record()).substr(0, 20);
    const auto contents = parse_journal(whole + torn).value();
    EXPECT_EQ(contents.records, std::vector<JournalRecord>{blob_record()});
    EXPECT_EQ(contents.whole_bytes, whole.size());
    EXPECT_EQ(contents.ignored_lines, 0u);
}

TEST(ParseJournal, GarbageLineIsIgnoredAndCountedAndLaterRecordsKept) {
    const std::string text = encode_journal_header(plan) + "garbage here\n" +
                             encode_journal_record(tag_record()).value();
    const auto contents = parse_journal(text).value();
    EXPECT_EQ(contents.records, std::vector<JournalRecord>{tag_record()});
    EXPECT_EQ(contents.ignored_lines, 1u);
    EXPECT_EQ(contents.whole_bytes, text.size());
}

TEST(ParseJournal, FirstLineThatIsNotAHeaderIsAnError) {
    EXPECT_FALSE(parse_journal(encode_journal_record(blob_record()).value()));
}

// --- default location ---

class EnvironmentVariable {
  public:
    EnvironmentVariable(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name))
            old_ = old;
        value ? ::setenv(name, value, 1) : ::unsetenv(name);
    }
    ~EnvironmentVariable() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }

  private:
    const char* name_;
    std::optional<std::string> old_;
};

TEST(DefaultJournalPath, LivesUnderXdgStateHomeNamedByThePlan) {
    EnvironmentVariable xdg("XDG_STATE_HOME", "/state");
    EXPECT_EQ(default_journal_path(plan), "/state/regmigrate/" + plan.id + ".journal");
}

TEST(DefaultJournalPath, FallsBackToLocalStateInHome) {
    EnvironmentVariable xdg("XDG_STATE_HOME", nullptr);
    EnvironmentVariable home("HOME", "/home/op");
    EXPECT_EQ(default_journal_path(plan),
              "/home/op/.local/state/regmigrate/" + plan.id + ".journal");
}

// --- the file ---

class JournalFile : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (std::filesystem::temp_directory_path() / "journal-test-XXXXXX");
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        path_ = dir_ / "state" / "plan.journal";
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string contents() const {
        std::ifstream in(path_, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }
    void write(const std::string& text) const {
        std::filesystem::create_directories(path_.parent_path());
        std::ofstream(path_, std::ios::binary) << text;
    }
    // Polls the file for up to two seconds until it holds `records` records.
    bool eventually_holds(std::size_t records) const {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (std::chrono::steady_clock::now() < deadline) {
            auto parsed = parse_journal(contents());
            if (parsed && parsed->records.size() == records)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return false;
    }

    std::filesystem::path dir_;
    std::filesystem::path path_;
};

TEST_F(JournalFile, NewJournalStartsWithTheHeaderOfItsPlan) {
    auto journal = Journal::open(path_, plan).value();
    EXPECT_EQ(contents(), encode_journal_header(plan));
    EXPECT_TRUE(journal->loaded().records.empty());
}

TEST_F(JournalFile, IsReadableByItsOwnerOnly) {
    auto journal = Journal::open(path_, plan).value();
    EXPECT_EQ(std::filesystem::status(path_).permissions(),
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(JournalFile, OlderJournalReadableByOthersIsNarrowedToItsOwner) {
    write(encode_journal_header(plan));
    std::filesystem::permissions(path_, std::filesystem::perms::owner_read |
                                            std::filesystem::perms::owner_write |
                                            std::filesystem::perms::others_read);
    auto journal = Journal::open(path_, plan).value();
    EXPECT_EQ(std::filesystem::status(path_).permissions(),
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(JournalFile, SymlinkAtTheJournalPathIsRefusedNotFollowed) {
    const auto victim = dir_ / "victim";
    std::ofstream(victim) << "precious";
    std::filesystem::create_directories(path_.parent_path());
    std::filesystem::create_symlink(victim, path_);
    const auto opened = Journal::open(path_, plan);
    ASSERT_FALSE(opened);
    EXPECT_NE(opened.error().message.find(path_.string()), std::string::npos)
        << opened.error().message;
    std::ifstream in(victim);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()),
              "precious");
}

TEST_F(JournalFile, RecordsAreLoadedByTheNextOpen) {
    {
        auto journal = Journal::open(path_, plan).value();
        journal->record(blob_record());
        journal->record(tag_record());
        journal->record(created_record());
    }
    auto reopened = Journal::open(path_, plan).value();
    EXPECT_EQ(reopened->loaded().records,
              (std::vector<JournalRecord>{blob_record(), tag_record(), created_record()}));
}

TEST_F(JournalFile, RecordsReachTheFileWithinTheFlushInterval) {
    auto journal = Journal::open(path_, plan, {64 * 1024, std::chrono::milliseconds(20)}).value();
    journal->record(blob_record());
    EXPECT_TRUE(eventually_holds(1));
}

TEST_F(JournalFile, FullBatchIsWrittenWithoutWaitingForTheInterval) {
    const std::size_t line = encode_journal_record(blob_record()).value().size();
    auto journal = Journal::open(path_, plan, {3 * line, std::chrono::hours(1)}).value();
    journal->record(blob_record());
    journal->record(blob_record());
    journal->record(blob_record());
    EXPECT_TRUE(eventually_holds(3));
}

TEST_F(JournalFile, RecordsWaitInTheBufferUntilAFlush) {
    auto journal = Journal::open(path_, plan, {64 * 1024, std::chrono::hours(1)}).value();
    journal->record(blob_record());
    EXPECT_EQ(parse_journal(contents())->records.size(), 0u);
    ASSERT_TRUE(journal->flush());
    EXPECT_EQ(parse_journal(contents())->records.size(), 1u);
}

TEST_F(JournalFile, TornLastLineIsCutOffBeforeTheNextRecord) {
    write(journal_text({blob_record()}) + line_of(tag_record()).substr(0, 25));
    {
        auto journal = Journal::open(path_, plan).value();
        EXPECT_EQ(journal->loaded().records, std::vector<JournalRecord>{blob_record()});
        journal->record(tag_record());
    }
    const auto parsed = parse_journal(contents()).value();
    EXPECT_EQ(parsed.records, (std::vector<JournalRecord>{blob_record(), tag_record()}));
    EXPECT_EQ(parsed.ignored_lines, 0u);
}

TEST_F(JournalFile, JournalOfAnotherPlanIsRefusedNamingBothPlans) {
    write(journal_text({blob_record()}));
    const auto other = journal_plan(plan_between("src.example", "elsewhere:5000"));
    const auto opened = Journal::open(path_, other);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(opened.error().message.find(plan.description), std::string::npos);
    EXPECT_NE(opened.error().message.find(other.description), std::string::npos);
    EXPECT_EQ(contents(), journal_text({blob_record()}));
}

TEST_F(JournalFile, FileThatIsNotAJournalIsRefused) {
    write("some: yaml\n");
    EXPECT_FALSE(Journal::open(path_, plan));
}

TEST_F(JournalFile, JournalInUseByAnotherRunIsRefused) {
    auto first = Journal::open(path_, plan).value();
    const auto second = Journal::open(path_, plan);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message.find("in use"), std::string::npos);
}

}  // namespace
}  // namespace regmigrate::engine
