// An application imports Swiftcorn alone and gets the vocabulary its responder needs: the app API
// and the configuration, whole (they are Swiftcorn's own product surface), and from the packages
// beneath them only the types that API speaks in or an app needs to answer, log and count.
@_exported import SwiftcornApp
@_exported import SwiftcornConfig
@_exported import class CoreMetrics.Counter
@_exported import class CoreMetrics.FloatingPointCounter
@_exported import class CoreMetrics.Gauge
@_exported import class CoreMetrics.Meter
@_exported import class CoreMetrics.Recorder
@_exported import class CoreMetrics.Timer
@_exported import struct HTTPTypes.HTTPField
@_exported import struct HTTPTypes.HTTPFields
@_exported import struct HTTPTypes.HTTPRequest
@_exported import struct HTTPTypes.HTTPResponse
@_exported import struct Logging.Logger
@_exported import struct NIOCore.ByteBuffer
@_exported import struct NIOCore.ByteBufferAllocator
