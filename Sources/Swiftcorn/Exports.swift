@_exported import CoreMetrics
// An application imports Swiftcorn alone and gets the vocabulary its responder needs.
@_exported import HTTPTypes
@_exported import Logging
@_exported import NIOCore
@_exported import SwiftcornApp
@_exported import SwiftcornConfig
