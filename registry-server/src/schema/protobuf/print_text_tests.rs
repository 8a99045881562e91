//! Canonical text of `.proto` texts read by the parser: it reprints unchanged, and comments,
//! spacing and the order of enums against messages do not change it.

use super::print::canonical;
use super::text::parse;

const LIBRARY: &str = "syntax = \"proto3\";
package library.v2;

import \"google/protobuf/timestamp.proto\";
import public \"library/shared.proto\";

option java_package = \"org.library.v2\";
option optimize_for = SPEED;

message Loan {
  reserved 9, 11 to 14;
  reserved \"renewals\";

  option deprecated = false;

  string loan_id = 1 [json_name = \"loanId\"];
  google.protobuf.Timestamp due = 2;
  map<string, Copy> copies = 3;
  repeated int64 history = 4 [
    packed = true,
    deprecated = true
  ];

  oneof borrower {
    string member_id = 5;
    string branch_id = 6;
  }

  message Copy {
    string barcode = 1;
    State state = 2;
  
    enum State {
      STATE_UNKNOWN = 0;
      ON_SHELF = 1;
    }
  }
  enum Channel {
    reserved 7 to 9;
    option allow_alias = true;
    DESK = 0;
    COUNTER = 0;
    KIOSK = 1 [deprecated = true];
  }
}
enum Genre {
  GENRE_UNSET = 0;
  POETRY = 1;
}

service Lending {
  option deprecated = true;

  rpc Borrow (Loan) returns (Loan);
  rpc Track (stream Loan) returns (stream Loan) {
    option idempotency_level = IDEMPOTENT;
  };
}
";

#[test]
fn canonical_text_reprints_unchanged() {
    let file = parse(LIBRARY, 64).unwrap();
    assert_eq!(canonical(&file), LIBRARY);
}

#[test]
fn comments_whitespace_and_declaration_order_of_enums_do_not_change_canonical_text() {
    let messy = "// header comment
syntax=\"proto3\";   package   library.v2 ;
import \"google/protobuf/timestamp.proto\"; import public \"library/shared.proto\";
enum Genre { GENRE_UNSET = 0; /* inline */ POETRY = 1; }
option java_package = \"org.library.v2\"; option optimize_for = SPEED;
message Loan {
  string loan_id = 1 [json_name = \"loanId\"];
  google.protobuf.Timestamp due = 2;
  map<string,Copy> copies = 3;
  repeated int64 history = 4 [packed = true, deprecated = true];
  oneof borrower { string member_id = 5; string branch_id = 6; }
  reserved 9, 11 to 14;   reserved \"renewals\";
  option deprecated = false;
  message Copy { string barcode = 1; State state = 2; enum State { STATE_UNKNOWN = 0; ON_SHELF = 1; } }
  enum Channel { option allow_alias = true; reserved 7 to 9; DESK = 0; COUNTER = 0; KIOSK = 1 [deprecated = true]; }
}
service Lending {
  rpc Borrow(Loan) returns (Loan);
  option deprecated = true;
  rpc Track(stream Loan) returns (stream Loan) { option idempotency_level = IDEMPOTENT; }
}
";
    let file = parse(messy, 64).unwrap();
    assert_eq!(canonical(&file), LIBRARY);
}

#[test]
fn proto2_text_with_group_extensions_and_extend_reprints_unchanged() {
    let text = "package archive;

message Record {
  required string id = 1 [default = \"none\"];
  optional int32 size = 2 [default = -1];

  repeated group Part = 3 {
    optional string label = 4;
  }

  extensions 100 to 200, 1000 to max;

  extend Record {
    optional bool sealed = 100;
  }
}

extend Record {
  repeated string alias = 101;
}
";
    let file = parse(text, 64).unwrap();
    assert_eq!(canonical(&file), text);
}
